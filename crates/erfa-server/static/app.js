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
    var note = document.getElementById('searched-for');
    if (result.searched_for && summary) {
      if (!note) {
        note = element('p', 'searched-for');
        note.id = 'searched-for';
        summary.insertAdjacentElement('afterend', note);
      }
      note.textContent = (data.searchedFor || '')
        .replace('{searched}', result.searched_for).replace('{q}', result.query);
      note.hidden = false;
    } else if (note) {
      note.hidden = true;
    }
    // The questions beside the write-ups matched the query the page was loaded with.
    ['empty', 'question-hits'].forEach(function (id) {
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

// Sharing an experience: the preview and the similar write-ups follow the typing
// (debounced, through POST /share/preview). Without this the "Preview" button does the
// same with a page load.
(function () {
  'use strict';
  var form = document.getElementById('share-form');
  var preview = document.getElementById('preview');
  if (!form || !preview || !window.fetch || !window.FormData || !window.URLSearchParams || !window.DOMParser) return;
  var similar = document.getElementById('similar');
  var similarList = document.getElementById('similar-list');
  var notes = document.getElementById('notes');
  var notesList = document.getElementById('notes-list');
  var timer = null;
  var sequence = 0;

  function body() {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, key) {
      if (typeof value === 'string') params.append(key, value);
    });
    if (form.dataset.editing) params.append('editing', form.dataset.editing);
    return params;
  }

  function element(tag, className, text) {
    var el = document.createElement(tag);
    if (className) el.className = className;
    if (text !== undefined && text !== null) el.textContent = text;
    return el;
  }

  // The HTML is the server's sanitised rendering, the same as on the write-up page.
  function showPreview(html) {
    if (!html) {
      preview.replaceChildren(element('p', 'muted', preview.dataset.empty || ''));
      return;
    }
    var doc = new DOMParser().parseFromString('<div>' + html + '</div>', 'text/html');
    var nodes = Array.prototype.map.call(doc.body.firstChild.childNodes, function (n) {
      return document.importNode(n, true);
    });
    preview.replaceChildren.apply(preview, nodes);
  }

  function showSimilar(items) {
    if (!similar || !similarList) return;
    similarList.replaceChildren.apply(similarList, items.map(function (item) {
      var li = element('li');
      var a = element('a', '', item.title);
      a.href = item.href;
      li.appendChild(a);
      li.appendChild(element('span', 'related-detail', item.kind + (item.summary ? ' · ' + item.summary : '')));
      return li;
    }));
    similar.hidden = items.length === 0;
  }

  function showNotes(items) {
    if (!notes || !notesList) return;
    notesList.replaceChildren.apply(notesList, items.map(function (text) { return element('li', '', text); }));
    notes.hidden = items.length === 0;
  }

  function update() {
    var mine = ++sequence;
    preview.setAttribute('aria-busy', 'true');
    fetch(form.dataset.preview, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      credentials: 'same-origin',
      body: body().toString()
    })
      .then(function (response) {
        if (!response.ok) throw new Error('preview failed: ' + response.status);
        return response.json();
      })
      .then(function (result) {
        if (mine !== sequence) return;
        showPreview(result.html);
        showSimilar(result.similar || []);
        showNotes(result.notes || []);
      })
      .catch(function () { /* the Preview button still works */ })
      .then(function () {
        if (mine === sequence) preview.removeAttribute('aria-busy');
      });
  }

  form.addEventListener('input', function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(update, 400);
  });
  form.addEventListener('change', function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(update, 400);
  });
  var summary = document.getElementById('error-summary');
  var secondStep = document.getElementById('second-step');
  if (summary) summary.focus();
  else if (secondStep) secondStep.focus();
})();

// Copy buttons next to links and tokens shown once: hidden without script, since the
// text can always be selected by hand.
(function () {
  'use strict';
  document.querySelectorAll('button[data-copy]').forEach(function (button) {
    var source = document.getElementById(button.dataset.copy);
    if (!source || !navigator.clipboard) return;
    var label = button.textContent;
    button.hidden = false;
    button.addEventListener('click', function () {
      navigator.clipboard.writeText(source.textContent.trim()).then(function () {
        button.textContent = button.dataset.copied;
        window.setTimeout(function () { button.textContent = label; }, 2000);
      });
    });
  });
})();

// Asking the group: the write-ups and earlier questions like the one being typed follow
// the typing (debounced, through POST /api/questions/similar). Without this the "Find
// similar write-ups" button does the same with a page load.
(function () {
  'use strict';
  var form = document.getElementById('question-form');
  var section = document.getElementById('question-similar');
  if (!form || !section || !window.fetch || !window.FormData || !window.URLSearchParams) return;
  var writeups = document.getElementById('question-similar-writeups');
  var questions = document.getElementById('question-similar-questions');
  var none = document.getElementById('question-similar-none');
  var timer = null;
  var sequence = 0;

  function list(target, items) {
    target.replaceChildren.apply(target, items.map(function (item) {
      var li = document.createElement('li');
      var a = document.createElement('a');
      a.href = item.href;
      a.textContent = item.title;
      var detail = document.createElement('span');
      detail.className = 'related-detail';
      detail.textContent = item.label;
      li.appendChild(a);
      li.appendChild(detail);
      return li;
    }));
    var box = document.getElementById(target.id + '-box');
    if (box) box.hidden = items.length === 0;
  }

  function update() {
    var mine = ++sequence;
    var params = new URLSearchParams();
    ['title', 'situation', 'tried'].forEach(function (name) {
      var field = form.elements[name];
      if (field) params.append(name, field.value);
    });
    if (!params.get('title').trim() && !params.get('situation').trim()) return;
    fetch(form.dataset.similar, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      credentials: 'same-origin',
      body: params.toString()
    })
      .then(function (response) {
        if (!response.ok) throw new Error('similar failed: ' + response.status);
        return response.json();
      })
      .then(function (result) {
        if (mine !== sequence) return;
        list(writeups, result.writeups || []);
        list(questions, result.questions || []);
        none.hidden = (result.writeups || []).length + (result.questions || []).length > 0;
        section.hidden = false;
      })
      .catch(function () { /* the button still works */ });
  }

  form.addEventListener('input', function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(update, 500);
  });
})();
