// erfa: progressive enhancement only. Without this file every page works the same, with
// full page loads. With it: "/" focuses the search box, arrow keys move through the
// results, results update while typing (debounced, the page of the new URL fetched and
// its results swapped in), suggestions open under the search box, and the filters open
// as a drawer on narrow screens.
(function () {
  'use strict';
  var input = document.getElementById('q');
  var form = document.getElementById('search-form');

  function typing(target) {
    if (!target) return false;
    var tag = target.tagName;
    return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || target.isContentEditable;
  }

  function resultLinks() {
    var list = document.getElementById('hits');
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

  if (!input || !form || !window.fetch || !window.URLSearchParams || !window.DOMParser || !window.history.pushState) return;

  // One state for the page: the URL. Typing, a filter, the sort or a page asks the
  // server for the search page of the new URL and swaps in its results, heading, facets
  // and pagination together; filters, pages and submitting add a history entry, typing
  // replaces the current one (after the first key), and Back shows the state before.
  var state = document.getElementById('search-state');
  var status = document.getElementById('search-status');
  var timer = null;
  var sequence = 0;
  var typingEntry = false;

  function paramsOf(url) {
    var params = new URLSearchParams(url.search);
    return params;
  }

  function formParams(prefix) {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, key) {
      if (typeof value === 'string' && value.trim() !== '') params.append(key, value);
    });
    if (prefix && /[\p{L}\p{N}]$/u.test(input.value)) params.set('prefix', 'last');
    return params;
  }

  function urlFor(params) {
    var query = params.toString();
    return query ? '/?' + query : '/';
  }

  // The form's hidden fields follow the filters of the state shown.
  function syncForm(params) {
    Array.prototype.slice.call(form.querySelectorAll('input[type=hidden]')).forEach(function (el) { el.remove(); });
    var button = form.querySelector('.search-button');
    params.forEach(function (value, key) {
      if (key === 'q' || key === 'page' || key === 'prefix' || key === 'literal') return;
      var hidden = document.createElement('input');
      hidden.type = 'hidden';
      hidden.name = key;
      hidden.value = value;
      button.parentNode.insertBefore(hidden, button);
    });
  }

  function show(url, how, focusHeading) {
    var mine = ++sequence;
    if (state) state.setAttribute('aria-busy', 'true');
    return fetch(url, { headers: { Accept: 'text/html' }, credentials: 'same-origin' })
      .then(function (response) {
        // A bad parameter is a page of its own: show it as a page load would.
        if (!response.ok) { window.location.assign(url); throw new Error('status ' + response.status); }
        return response.text();
      })
      .then(function (html) {
        if (mine !== sequence) return;
        var doc = new DOMParser().parseFromString(html, 'text/html');
        var fresh = doc.getElementById('search-state');
        if (!fresh || !state) { window.location.assign(url); return; }
        var imported = document.importNode(fresh, true);
        state.replaceWith(imported);
        state = imported;
        document.title = doc.title;
        if (how === 'push') history.pushState({ erfa: true }, '', url);
        else if (how === 'replace') history.replaceState({ erfa: true }, '', url);
        var params = paramsOf(new URL(url, window.location.href));
        syncForm(params);
        if (how === 'pop') input.value = params.get('q') || '';
        var summary = document.getElementById('results-summary');
        var heading = document.getElementById('results-heading');
        if (status) {
          var notes = ['correction', 'searched-for', 'expanded', 'past-last', 'empty'].map(function (id) {
            var el = document.getElementById(id);
            return el ? el.textContent.replace(/\s+/g, ' ').trim() : '';
          }).filter(Boolean);
          status.textContent = [summary ? summary.textContent : ''].concat(notes).join(' ');
        }
        if (focusHeading && heading) heading.focus();
        enhanceDrawer();
      })
      .catch(function () { /* the links and the form still work with page loads */ })
      .then(function () {
        if (mine === sequence && state) state.removeAttribute('aria-busy');
      });
  }

  // Links inside the results and facets that lead to another search state.
  document.addEventListener('click', function (event) {
    if (event.defaultPrevented || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    var a = event.target.closest ? event.target.closest('a[href]') : null;
    if (!a || !state || !state.contains(a) || a.id === 'filters-toggle') return;
    var url = new URL(a.href, window.location.href);
    if (url.origin !== window.location.origin || url.pathname !== '/') return;
    event.preventDefault();
    closeDrawer(false);
    typingEntry = false;
    var params = paramsOf(url);
    input.value = params.get('q') || '';
    show(urlFor(params), 'push', true);
  });

  form.addEventListener('submit', function (event) {
    if (!state) return;
    event.preventDefault();
    window.clearTimeout(timer);
    closeList();
    typingEntry = false;
    show(urlFor(formParams(false)), 'push', true);
  });

  window.addEventListener('popstate', function () {
    typingEntry = false;
    closeList();
    show(window.location.pathname + window.location.search, 'pop', false);
  });

  input.addEventListener('input', function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      if (!state) return;
      // The first change of a burst of typing is a history entry of its own.
      var how = typingEntry ? 'replace' : 'push';
      typingEntry = true;
      if (status && input.dataset.updating) status.textContent = input.dataset.updating;
      show(urlFor(formParams(true)), how, false);
    }, 250);
    suggestSoon();
  });

  // The suggestions: an ARIA 1.2 combobox (the input) with a listbox popup of titles
  // and tags from /api/suggest. Arrow keys move the active option (aria-activedescendant,
  // focus stays in the input), Enter takes it, Escape closes the list.
  var listbox = document.getElementById('q-suggestions');
  var suggestTimer = null;
  var suggestSequence = 0;
  var options = [];
  var active = -1;
  if (listbox) {
    input.setAttribute('role', 'combobox');
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-expanded', 'false');
    input.setAttribute('aria-controls', listbox.id);
  }

  function closeList() {
    if (!listbox) return;
    listbox.hidden = true;
    listbox.replaceChildren();
    options = [];
    active = -1;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
  }

  function setActive(i) {
    options.forEach(function (o, n) { o.el.setAttribute('aria-selected', n === i ? 'true' : 'false'); });
    active = i;
    if (i >= 0) {
      input.setAttribute('aria-activedescendant', options[i].el.id);
      options[i].el.scrollIntoView({ block: 'nearest' });
    } else {
      input.removeAttribute('aria-activedescendant');
    }
  }

  function choose(i) {
    var o = options[i];
    if (!o) return;
    closeList();
    if (o.kind === 'title' && o.slug) {
      window.location.assign('/w/' + o.slug.split('/').map(encodeURIComponent).join('/'));
      return;
    }
    // A tag filters by the tag, the words typed so far set aside.
    window.clearTimeout(timer);
    typingEntry = false;
    input.value = '';
    var params = formParams(false);
    params.delete('q');
    if (!params.getAll('tags').some(function (t) { return t === o.value; })) params.append('tags', o.value || o.text);
    show(urlFor(params), 'push', false);
  }

  function openList(items) {
    if (!listbox) return;
    listbox.replaceChildren();
    options = items.map(function (item, n) {
      var li = document.createElement('li');
      li.id = 'q-option-' + n;
      li.setAttribute('role', 'option');
      li.setAttribute('aria-selected', 'false');
      li.className = 'suggestion suggestion-' + (item.kind === 'tag' ? 'tag' : 'title');
      var text = document.createElement('span');
      text.className = 'suggestion-text';
      text.textContent = item.text;
      var kind = document.createElement('span');
      kind.className = 'suggestion-kind';
      kind.textContent = item.kind === 'tag' ? (input.dataset.kindTag || '') : (input.dataset.kindTitle || '');
      li.appendChild(text);
      li.appendChild(document.createTextNode(' '));
      li.appendChild(kind);
      // mousedown, so the input keeps its focus.
      li.addEventListener('mousedown', function (e) { e.preventDefault(); choose(n); });
      listbox.appendChild(li);
      return { el: li, text: item.text, kind: item.kind, slug: item.slug, value: item.value };
    });
    active = -1;
    if (!options.length) { closeList(); return; }
    listbox.hidden = false;
    input.setAttribute('aria-expanded', 'true');
    if (status && input.dataset.suggestionsOpen) {
      window.setTimeout(function () {
        status.textContent = input.dataset.suggestionsOpen.replace('{n}', String(options.length));
      }, 600);
    }
  }

  function suggestSoon() {
    if (!listbox) return;
    window.clearTimeout(suggestTimer);
    var q = input.value;
    if (q.trim().length < 2) { closeList(); return; }
    suggestTimer = window.setTimeout(function () {
      var mine = ++suggestSequence;
      fetch('/api/suggest?limit=8&q=' + encodeURIComponent(q), { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
        .then(function (r) { if (!r.ok) throw new Error('suggest'); return r.json(); })
        .then(function (result) {
          if (mine !== suggestSequence || document.activeElement !== input) return;
          openList(result.suggestions || []);
        })
        .catch(function () { closeList(); });
    }, 150);
  }

  input.addEventListener('keydown', function (event) {
    if (!listbox || listbox.hidden) return;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      event.stopPropagation();
      var n = options.length;
      if (event.key === 'ArrowDown') setActive(active + 1 >= n ? 0 : active + 1);
      else setActive(active <= 0 ? n - 1 : active - 1);
    } else if (event.key === 'Enter' && active >= 0) {
      event.preventDefault();
      choose(active);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      closeList();
    }
  });
  input.addEventListener('blur', function () { window.setTimeout(closeList, 100); });

  // The filters on a narrow screen: without script, the "Filters" link jumps to them
  // below the results; with it, they open as a drawer over the page.
  function drawerOpen() {
    var facets = document.getElementById('facets');
    return facets && facets.classList.contains('is-open');
  }
  function closeDrawer(restore) {
    var facets = document.getElementById('facets');
    var toggle = document.getElementById('filters-toggle');
    if (!facets || !facets.classList.contains('is-open')) return;
    facets.classList.remove('is-open');
    facets.removeAttribute('role');
    facets.removeAttribute('aria-modal');
    document.body.classList.remove('drawer-open');
    if (toggle) toggle.setAttribute('aria-expanded', 'false');
    if (restore && toggle) toggle.focus();
  }
  function enhanceDrawer() {
    var facets = document.getElementById('facets');
    var toggle = document.getElementById('filters-toggle');
    if (!facets || !toggle) return;
    if (state) state.classList.add('has-drawer');
    toggle.setAttribute('role', 'button');
    toggle.setAttribute('aria-expanded', 'false');
    var top = facets.querySelector('.facets-top');
    if (top && !top.querySelector('.drawer-close')) {
      var close = document.createElement('button');
      close.type = 'button';
      close.className = 'drawer-close';
      close.textContent = facets.dataset.close || '×';
      close.addEventListener('click', function () { closeDrawer(true); });
      top.appendChild(close);
    }
    toggle.addEventListener('click', function (event) {
      event.preventDefault();
      facets.classList.add('is-open');
      facets.setAttribute('role', 'dialog');
      facets.setAttribute('aria-modal', 'true');
      document.body.classList.add('drawer-open');
      toggle.setAttribute('aria-expanded', 'true');
      var heading = document.getElementById('facets-heading');
      if (heading) heading.focus();
    });
    toggle.addEventListener('keydown', function (event) {
      if (event.key === ' ') { event.preventDefault(); toggle.click(); }
    });
  }
  document.addEventListener('keydown', function (event) {
    if (!drawerOpen()) return;
    if (event.key === 'Escape') {
      closeDrawer(true);
      return;
    }
    // A dialog keeps the focus inside: Tab from the last control goes to the first.
    if (event.key !== 'Tab') return;
    var facets = document.getElementById('facets');
    var items = Array.prototype.filter.call(
      facets.querySelectorAll('a[href], button, summary, [tabindex="-1"]'),
      function (el) { return el.offsetParent !== null; });
    if (!items.length) return;
    var first = items[0];
    var last = items[items.length - 1];
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  });
  enhanceDrawer();
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
