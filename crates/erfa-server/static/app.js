// erfa: progressive enhancement only. Without this file every page works the same, with
// full page loads. With it: "/" focuses the search box, arrow keys move through the
// results, and results update while typing (debounced, through /api/search).
(function () {
  'use strict';
  var input = document.getElementById('q');
  var form = document.getElementById('search-form');
  var list = document.getElementById('hits');

  function typing(target) {
    if (!target) return false;
    var tag = target.tagName;
    return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || target.isContentEditable;
  }

  function resultLinks() {
    return list ? Array.prototype.slice.call(list.querySelectorAll('.hit-title a')) : [];
  }

  document.addEventListener('keydown', function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === '/' && input && !typing(event.target)) {
      event.preventDefault();
      input.focus();
      input.select();
      return;
    }
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    var links = resultLinks();
    if (!links.length) return;
    var active = document.activeElement;
    if (active === input) {
      if (event.key === 'ArrowDown') {
        event.preventDefault();
        links[0].focus();
      }
      return;
    }
    var index = links.indexOf(active);
    if (index < 0) return;
    event.preventDefault();
    if (event.key === 'ArrowDown') {
      links[Math.min(index + 1, links.length - 1)].focus();
    } else if (index === 0 && input) {
      input.focus();
    } else {
      links[index - 1].focus();
    }
  });

  if (!input || !form || !list || !window.fetch || !window.URLSearchParams || !window.DOMParser) return;

  var timer = null;
  var sequence = 0;
  var data = list.dataset;

  function currentParams() {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, key) {
      if (typeof value === 'string' && value.trim() !== '') params.append(key, value);
    });
    return params;
  }

  // Snippets are HTML from the server: escaped text with <mark> around matches. Only
  // text and <mark> are copied, so nothing else can ever reach the page.
  function appendSnippet(parent, html) {
    var doc = new DOMParser().parseFromString('<p>' + html + '</p>', 'text/html');
    var walk = function (from, to) {
      from.childNodes.forEach(function (node) {
        if (node.nodeType === 3) {
          to.appendChild(document.createTextNode(node.textContent));
        } else if (node.nodeType === 1 && node.tagName === 'MARK') {
          var mark = document.createElement('mark');
          mark.textContent = node.textContent;
          to.appendChild(mark);
        } else if (node.nodeType === 1) {
          walk(node, to);
        }
      });
    };
    walk(doc.body.firstChild || doc.body, parent);
  }

  function element(tag, className, text) {
    var el = document.createElement(tag);
    if (className) el.className = className;
    if (text !== undefined) el.textContent = text;
    return el;
  }

  function practiceName(slug) {
    var spaced = slug.replace(/-/g, ' ');
    return spaced.charAt(0).toUpperCase() + spaced.slice(1);
  }

  function renderHit(hit) {
    var li = element('li', 'hit');
    var h3 = element('h3', 'hit-title');
    var a = element('a', '', hit.title);
    a.href = '/w/' + hit.slug.split('/').map(encodeURIComponent).join('/');
    a.lang = hit.language;
    h3.appendChild(a);
    li.appendChild(h3);
    var meta = element('p', 'hit-meta');
    var kind = ['lesson', 'mistake', 'practice'].indexOf(hit.kind) >= 0 ? hit.kind : 'lesson';
    meta.appendChild(element('span', 'badge badge-' + kind, data['kind' + kind.charAt(0).toUpperCase() + kind.slice(1)] || hit.kind));
    meta.appendChild(document.createTextNode(' '));
    meta.appendChild(element('span', 'hit-date', hit.date || data.undated));
    if (hit.practices.length) {
      meta.appendChild(document.createTextNode(' '));
      meta.appendChild(element('span', 'hit-practices', hit.practices.map(practiceName).join(' · ')));
    }
    li.appendChild(meta);
    if (hit.snippet && hit.snippet.html) {
      var section = ['mistake', 'lesson', 'summary', 'body'].indexOf(hit.snippet.section) >= 0 ? hit.snippet.section : 'body';
      var p = element('p', 'snippet snippet-' + section);
      p.lang = hit.language;
      p.appendChild(element('span', 'snippet-label', (data['label' + section.charAt(0).toUpperCase() + section.slice(1)] || '') + ':'));
      p.appendChild(document.createTextNode(' '));
      appendSnippet(p, hit.snippet.html);
      li.appendChild(p);
    }
    return li;
  }

  function relink(params) {
    // Filter, sort and section links keep the query being typed.
    var q = params.get('q') || '';
    document.querySelectorAll('a.facet-value, a.chip, a.switch-option, a.clear-filters').forEach(function (a) {
      var url = new URL(a.href, window.location.href);
      if (q) url.searchParams.set('q', q); else url.searchParams.delete('q');
      a.href = url.pathname + (url.search || '');
    });
  }

  function render(result, params) {
    list.replaceChildren.apply(list, result.hits.map(renderHit));
    list.start = 1;
    var summary = document.getElementById('results-summary');
    if (summary) {
      var last = result.hits.length;
      summary.textContent = last === 0
        ? (data.none || '').replace('{q}', result.query)
        : (result.total === 1 ? data.showingOne : data.showing)
            .replace('{first}', '1').replace('{last}', String(last)).replace('{total}', String(result.total));
    }
    ['empty'].forEach(function (id) {
      var el = document.getElementById(id);
      if (el) el.hidden = true;
    });
    document.querySelectorAll('.pagination').forEach(function (el) { el.hidden = true; });
    relink(params);
  }

  function update() {
    var params = currentParams();
    var mine = ++sequence;
    list.setAttribute('aria-busy', 'true');
    fetch('/api/search?' + params.toString(), { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
      .then(function (response) {
        if (!response.ok) throw new Error('search failed: ' + response.status);
        return response.json();
      })
      .then(function (result) {
        if (mine !== sequence) return;
        render(result, params);
        var query = params.toString();
        history.replaceState(null, '', query ? '/?' + query : '/');
      })
      .catch(function () { /* the form still submits normally */ })
      .then(function () {
        if (mine === sequence) list.removeAttribute('aria-busy');
      });
  }

  input.addEventListener('input', function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(update, 250);
  });
})();
