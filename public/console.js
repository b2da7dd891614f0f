// Portico console: lists the gateway's services, builds example requests from their schema, and sends them
// over REST/JSON or gRPC-Web (JSON messages), rendering streamed responses as they arrive.
// Plain browser JavaScript, no build step, no third-party code, same-origin requests only.
(() => {
  'use strict';

  const CATALOG_PATH = '/_portico/api/services';
  const GRPC_WEB_CONTENT_TYPE = 'application/grpc-web+json';
  /** The deepest nesting of messages an example request expands; deeper (and recursive) fields are left out. */
  const EXAMPLE_DEPTH_LIMIT = 3;
  /** Frames larger than this are treated as a corrupt stream rather than buffered. */
  const MAX_FRAME_BYTES = 64 * 1024 * 1024;
  /** Bodies larger than this are shown as plain text, without the pretty-printer. */
  const MAX_HIGHLIGHT_CHARS = 512 * 1024;

  const GRPC_CODES = [
    'OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS',
    'PERMISSION_DENIED', 'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE',
    'UNIMPLEMENTED', 'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED',
  ];
  const INT64_TYPES = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);
  const NUMBER_TYPES = new Set(['int32', 'uint32', 'sint32', 'fixed32', 'sfixed32', 'float', 'double']);
  /** Well-known types written in JSON as a string or bare value, hence usable in a query string. */
  const TEXT_FORM_WKT = new Set([
    'timestamp', 'duration', 'fieldMask', 'doubleValue', 'floatValue', 'int64Value', 'uint64Value',
    'int32Value', 'uint32Value', 'boolValue', 'stringValue', 'bytesValue',
  ]);

  /** Well-known types whose JSON form is an object. */
  const OBJECT_FORM_WKT = new Set(['empty', 'struct', 'any', 'httpBody']);

  const state = {
    catalog: null,
    /** fullName -> { service, method } */
    methods: new Map(),
    /** grpcPath -> fullName, for deep links */
    byPath: new Map(),
    current: null,
    /** fullName -> edited request text, so switching methods keeps edits */
    drafts: new Map(),
    controller: null,
  };

  const $ = (id) => document.getElementById(id);

  /** Creates an element; string children become text nodes (never HTML). */
  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (name === 'class') node.className = value;
      else if (name === 'text') node.textContent = value;
      else node.setAttribute(name, value === true ? '' : String(value));
    }
    for (const child of children) {
      if (child === undefined || child === null || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  /**
   * Comment text with `backticked` spans as <code>, built from text nodes only. Lines wrapped in the .proto
   * file are joined; blank lines stay paragraph breaks.
   */
  function richText(text) {
    const fragment = document.createDocumentFragment();
    const joined = String(text || '').replace(/([^\n])\n(?=[^\n])/g, '$1 ');
    joined.split(/(`[^`\n]+`)/).forEach((part) => {
      if (part.length > 2 && part.startsWith('`') && part.endsWith('`')) fragment.append(el('code', {}, part.slice(1, -1)));
      else if (part) fragment.append(part);
    });
    return fragment;
  }

  function shortType(fullName) {
    const dot = fullName.lastIndexOf('.');
    return dot >= 0 ? fullName.slice(dot + 1) : fullName;
  }

  function codeName(code) {
    return Number.isInteger(code) && code >= 0 && code < GRPC_CODES.length ? GRPC_CODES[code] : `CODE_${code}`;
  }

  // MARK: Catalog and sidebar

  async function loadCatalog() {
    const banner = $('load-error');
    banner.hidden = true;
    let catalog;
    try {
      const response = await fetch(CATALOG_PATH, { headers: { accept: 'application/json' } });
      const text = await response.text();
      if (!response.ok) throw new Error(`the gateway answered HTTP ${response.status}: ${text.slice(0, 300)}`);
      catalog = JSON.parse(text);
      if (!catalog || !Array.isArray(catalog.services)) throw new Error('the catalog has no "services" list');
    } catch (error) {
      banner.replaceChildren(
        el('strong', {}, 'Could not load the service catalog. '),
        `${error.message || error} `,
        el('button', { type: 'button', class: 'link-button', id: 'retry-button' }, 'Retry'),
      );
      banner.hidden = false;
      $('retry-button').addEventListener('click', loadCatalog);
      $('gateway-info').textContent = 'Catalog unavailable';
      $('service-list').replaceChildren(el('p', { class: 'muted pad' }, 'No services loaded.'));
      return;
    }
    catalog.messages = catalog.messages || {};
    catalog.enums = catalog.enums || {};
    state.catalog = catalog;
    state.methods.clear();
    state.byPath.clear();
    let count = 0;
    for (const service of catalog.services) {
      for (const method of service.methods || []) {
        state.methods.set(method.fullName, { service, method });
        state.byPath.set(method.grpcPath, method.fullName);
        count += 1;
      }
    }
    const services = catalog.services.length;
    $('gateway-info').textContent =
      `${services} service${services === 1 ? '' : 's'} · ${count} method${count === 1 ? '' : 's'} · ${location.host}`;
    renderSidebar();
    const linked = state.byPath.get(decodeURIComponent(location.hash.slice(1)));
    if (linked) selectMethod(linked, { updateHash: false });
  }

  function renderSidebar() {
    const list = $('service-list');
    const filter = $('method-filter').value.trim().toLowerCase();
    const sections = [];
    for (const service of state.catalog.services) {
      const items = [];
      for (const method of service.methods || []) {
        const route = (method.routes || [])[0];
        const haystack = [method.fullName, ...(method.routes || []).map((r) => `${r.method} ${r.path}`)]
          .join(' ').toLowerCase();
        if (filter && !haystack.includes(filter)) continue;
        const button = el('button', {
          type: 'button', class: 'method-button', 'data-method': method.fullName,
          'aria-current': state.current && state.current.method.fullName === method.fullName ? 'true' : 'false',
        },
        el('span', { class: 'method-line' },
          el('span', { class: 'method-name' }, method.name),
          streamingBadge(method)),
        route
          ? el('span', { class: 'method-path' }, el('span', { class: `verb verb-${route.method}` }, route.method), route.path)
          : el('span', { class: 'method-path' }, el('span', { class: 'verb' }, 'gRPC'), method.grpcPath));
        button.addEventListener('click', () => selectMethod(method.fullName));
        items.push(el('li', {}, button));
      }
      if (items.length === 0) continue;
      const dot = service.name.lastIndexOf('.');
      const heading = el('h2', { class: 'service-name', id: `svc-${service.name}` },
        dot >= 0 ? el('span', { class: 'service-package' }, service.name.slice(0, dot + 1)) : null,
        service.shortName || service.name);
      sections.push(el('section', { class: 'service', 'aria-labelledby': `svc-${service.name}` },
        heading,
        service.comments ? el('p', { class: 'service-comments' }, richText(service.comments)) : null,
        el('ul', { class: 'method-list' }, ...items)));
    }
    list.replaceChildren(...(sections.length ? sections : [el('p', { class: 'muted pad' }, 'No method matches the filter.')]));
  }

  function streamingBadge(method) {
    if (method.clientStreaming && method.serverStreaming) return el('span', { class: 'badge' }, 'bidi stream');
    if (method.clientStreaming) return el('span', { class: 'badge' }, 'client stream');
    if (method.serverStreaming) return el('span', { class: 'badge' }, 'server stream');
    return null;
  }

  // MARK: Method view

  function selectMethod(fullName, options = {}) {
    const entry = state.methods.get(fullName);
    if (!entry) return;
    if (state.current) state.drafts.set(state.current.method.fullName, $('request-editor').value);
    state.current = entry;
    const { service, method } = entry;

    for (const button of document.querySelectorAll('.method-button')) {
      const selected = button.dataset.method === fullName;
      button.setAttribute('aria-current', selected ? 'true' : 'false');
      if (selected) button.scrollIntoView({ block: 'nearest' });
    }
    if (options.updateHash !== false) history.replaceState(null, '', `#${method.grpcPath}`);

    $('empty-state').hidden = true;
    $('method-view').hidden = false;
    $('method-service').textContent = service.name;
    $('method-title').replaceChildren(method.name, streamingBadge(method) || '');
    $('method-comments').replaceChildren(richText(method.comments));
    $('method-grpc-path').textContent = method.grpcPath;
    $('method-input').textContent = method.inputType;
    $('method-output').textContent = method.serverStreaming ? `stream ${method.outputType}` : method.outputType;

    const routes = method.routes || [];
    $('method-routes').replaceChildren(...routes.map((route) => el('li', {},
      el('span', { class: `verb verb-${route.method}` }, route.method),
      el('span', {}, route.path),
      el('span', { class: 'route-extra' }, routeExtra(route)))));

    const select = $('route-select');
    select.replaceChildren(...routes.map((route, index) =>
      el('option', { value: String(index) }, `${route.method} ${route.path}`)));
    $('route-field').hidden = routes.length < 2;

    // The protocols this method can use from a browser.
    const restRadio = $('protocol-rest');
    const webRadio = $('protocol-grpcweb');
    restRadio.disabled = routes.length === 0;
    webRadio.disabled = false;
    // Only gRPC-Web can carry several request messages, so client-streaming methods start there.
    if (restRadio.disabled || method.clientStreaming) webRadio.checked = true;

    $('request-editor').value = state.drafts.get(fullName) ?? exampleText(method);
    fitEditor();
    renderSchema(method);
    clearResponse();
    refreshPreview();
  }

  function routeExtra(route) {
    const parts = [];
    if (route.body) parts.push(route.body === '*' ? 'body: whole message' : `body: ${route.body}`);
    if (route.responseBody) parts.push(`response: ${route.responseBody}`);
    if (route.httpBodyRequest) parts.push('raw request body');
    if (route.httpBodyResponse) parts.push('raw response body');
    return parts.join(' · ');
  }

  /** Sizes the editor to its text (8 to 28 lines), so short requests do not sit in a tall empty box. */
  function fitEditor() {
    const editor = $('request-editor');
    const lines = editor.value.split('\n').length;
    editor.rows = Math.min(28, Math.max(8, lines + 1));
  }

  function currentProtocol() {
    return $('protocol-grpcweb').checked ? 'grpc-web' : 'rest';
  }

  function currentRoute() {
    const routes = (state.current && state.current.method.routes) || [];
    return routes[Number($('route-select').value) || 0] || routes[0] || null;
  }

  // MARK: Example requests from the schema

  /** A client-streaming method takes a JSON array of request messages (two, to show the shape). */
  function exampleText(method) {
    const example = method.clientStreaming ? [exampleRequest(method), exampleRequest(method)] : exampleRequest(method);
    return JSON.stringify(example, null, 2);
  }

  function exampleRequest(method) {
    const message = exampleMessage(method.inputType, 0, []);
    const route = (method.routes || [])[0];
    if (route && message && typeof message === 'object') {
      for (const variable of route.variables || []) {
        setAtPath(message, variable.jsonPath, sampleForPattern(variable.pattern));
      }
    }
    return message;
  }

  /** A value for a path variable that its pattern accepts: `shelves/*` -> `shelves/1`. */
  function sampleForPattern(pattern) {
    if (!pattern || pattern === '*' || pattern === '**') return 'example';
    return pattern.split('/').map((segment) => (segment === '*' ? '1' : segment === '**' ? 'a/b' : segment)).join('/');
  }

  function exampleMessage(typeName, depth, stack) {
    const type = state.catalog.messages[typeName];
    if (!type) return {};
    if (type.wellKnownType) return exampleWellKnown(type.wellKnownType);
    const result = {};
    for (const field of type.fields || []) {
      // Fields whose every value means something (oneof members, `optional` scalars, well-known types such as
      // wrappers, Timestamp or Duration) are left out: a placeholder would change the request. The field table
      // lists them. What stays shows the shape: default scalars (which mean "unset"), empty lists and maps,
      // and plain nested messages, to a depth limit and never recursing into a type already being expanded.
      if (field.oneof) continue;
      if (field.map) { result[field.jsonName] = {}; continue; }
      if (field.cardinality === 'repeated') { result[field.jsonName] = []; continue; }
      if (field.type === 'message' || field.type === 'group') {
        const nested = state.catalog.messages[field.messageType];
        if (!nested || nested.wellKnownType) continue;
        if (depth + 1 >= EXAMPLE_DEPTH_LIMIT || stack.includes(field.messageType)) continue;
        result[field.jsonName] = exampleMessage(field.messageType, depth + 1, [...stack, typeName]);
        continue;
      }
      if (field.cardinality === 'optional') continue;
      result[field.jsonName] = exampleScalar(field);
    }
    return result;
  }

  function exampleScalar(field) {
    if (field.type === 'enum') {
      const values = (state.catalog.enums[field.enumType] || {}).values || [];
      return values.length ? values[0].name : 0;
    }
    if (field.type === 'bool') return false;
    if (INT64_TYPES.has(field.type)) return '0';
    if (NUMBER_TYPES.has(field.type)) return 0;
    return '';
  }

  function exampleWellKnown(kind) {
    switch (kind) {
      case 'timestamp': return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
      case 'duration': return '0s';
      case 'fieldMask': return '';
      case 'struct': return {};
      case 'listValue': return [];
      case 'value': return null;
      case 'empty': return {};
      case 'any': return {};
      case 'boolValue': return false;
      case 'stringValue': case 'bytesValue': return '';
      case 'int64Value': case 'uint64Value': return '0';
      case 'httpBody': return { contentType: 'text/plain', data: '' };
      default: return 0;
    }
  }

  function getAtPath(object, path) {
    let current = object;
    for (const key of path) {
      if (current === null || typeof current !== 'object' || !(key in current)) return undefined;
      current = current[key];
    }
    return current;
  }

  function setAtPath(object, path, value) {
    let current = object;
    path.forEach((key, index) => {
      if (index === path.length - 1) { current[key] = value; return; }
      if (current[key] === null || typeof current[key] !== 'object') current[key] = {};
      current = current[key];
    });
  }

  function deleteAtPath(object, path) {
    const parent = getAtPath(object, path.slice(0, -1));
    if (parent && typeof parent === 'object') delete parent[path[path.length - 1]];
  }

  // MARK: Field documentation

  function renderSchema(method) {
    const rows = [];
    schemaRows(method.inputType, 0, [], rows);
    const view = $('schema-view');
    if (rows.length === 0) {
      view.replaceChildren(el('p', { class: 'muted' }, `${shortType(method.inputType)} has no fields.`));
      return;
    }
    view.replaceChildren(el('table', { class: 'schema-table' },
      el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Field'), el('th', { scope: 'col' }, 'Type'),
        el('th', { scope: 'col' }, 'Description'))),
      el('tbody', {}, ...rows)));
  }

  function schemaRows(typeName, depth, stack, rows) {
    const type = state.catalog.messages[typeName];
    if (!type || type.wellKnownType) return;
    for (const field of type.fields || []) {
      const row = el('tr', { class: depth ? 'nested' : null, style: null },
        el('td', {}, el('code', {}, field.jsonName)),
        el('td', {}, el('code', {}, fieldTypeLabel(field))),
        el('td', {}, richText(fieldDescription(field))));
      if (depth) row.style.setProperty('--depth', String(depth));
      rows.push(row);
      const nested = field.type === 'message' ? state.catalog.messages[field.messageType] : null;
      if (nested && !nested.wellKnownType && depth < 2 && !stack.includes(field.messageType)) {
        schemaRows(field.messageType, depth + 1, [...stack, typeName], rows);
      }
    }
  }

  function fieldTypeLabel(field) {
    let base = field.type;
    if (field.type === 'message' || field.type === 'group') base = shortType(field.messageType || 'message');
    if (field.type === 'enum') base = shortType(field.enumType || 'enum');
    if (field.map) return `map<${field.keyType}, ${base}>`;
    if (field.cardinality === 'repeated') return `repeated ${base}`;
    if (field.cardinality === 'optional' && field.type !== 'message') return `optional ${base}`;
    return base;
  }

  function fieldDescription(field) {
    const parts = [];
    if (field.comments) parts.push(field.comments);
    if (field.oneof) parts.push(`(one of "${field.oneof}")`);
    if (field.type === 'enum') {
      const values = ((state.catalog.enums[field.enumType] || {}).values || []).map((value) => value.name);
      if (values.length) parts.push(`Values: ${values.join(', ')}.`);
    }
    return parts.join(' ');
  }

  // MARK: Building requests

  /**
   * The editor's request: an object, or for a client-streaming method an array of objects (one per message).
   * Throws an Error whose message is shown to the person editing the request.
   */
  function parseRequestMessage(clientStreaming = false) {
    const input = state.current && state.catalog ? state.catalog.messages[state.current.method.inputType] : null;
    // A well-known input type such as google.protobuf.StringValue is a bare JSON value, not an object.
    const bareValue = Boolean(input && input.wellKnownType && !OBJECT_FORM_WKT.has(input.wellKnownType));
    const text = $('request-editor').value.trim();
    if (text === '') return {};
    let value;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new Error(`The request is not valid JSON: ${error.message}`);
    }
    if (bareValue && !clientStreaming) return value;
    const isObject = (item) => bareValue || (item !== null && typeof item === 'object' && !Array.isArray(item));
    if (Array.isArray(value)) {
      if (!clientStreaming) throw new Error('The request must be a JSON object (the fields of the request message).');
      if (!value.every(isObject)) throw new Error('Each element of the array must be a JSON object (one request message).');
      return value;
    }
    if (!isObject(value)) {
      throw new Error(clientStreaming
        ? 'The request must be a JSON array of request messages, or one JSON object.'
        : 'The request must be a JSON object (the fields of the request message).');
    }
    return value;
  }

  function parseDeadline() {
    const raw = $('deadline-input').value.trim();
    if (raw === '') return null;
    const seconds = Number(raw);
    if (!Number.isFinite(seconds) || seconds <= 0) throw new Error('The deadline must be a positive number of seconds.');
    return seconds;
  }

  const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

  function parseCustomHeaders() {
    const headers = [];
    $('headers-input').value.split('\n').forEach((line, index) => {
      const trimmed = line.trim();
      if (trimmed === '' || trimmed.startsWith('#')) return;
      const colon = trimmed.indexOf(':');
      const name = colon > 0 ? trimmed.slice(0, colon).trim() : '';
      if (!HEADER_NAME.test(name)) throw new Error(`Header line ${index + 1} is not "name: value".`);
      headers.push([name.toLowerCase(), trimmed.slice(colon + 1).trim()]);
    });
    return headers;
  }

  /** `grpc-timeout` syntax: at most 8 digits and a unit. */
  function grpcTimeout(seconds) {
    const millis = Math.ceil(seconds * 1000);
    if (millis <= 99999999) return `${millis}m`;
    return `${Math.min(Math.ceil(seconds), 99999999)}S`;
  }

  /**
   * The REST request for `message` on `route`: path variables from their fields, then the body per the
   * route's `body` rule, and every remaining field in the query string.
   */
  function buildRestRequest(method, route, message, catalog = state.catalog) {
    if (message === null || typeof message !== 'object') {
      if (route.body !== '*') throw new Error('This request is a bare JSON value: only a route with body "*" can carry it.');
      return { method: route.method, url: route.path, headers: [['content-type', 'application/json']], body: JSON.stringify(message), warnings: [] };
    }
    const remaining = structuredClone(message);
    const warnings = [];
    const values = new Map();
    for (const variable of route.variables || []) {
      let value = getAtPath(remaining, variable.jsonPath);
      let path = variable.jsonPath;
      if (value === undefined) {
        const protoPath = variable.field.split('.');
        value = getAtPath(remaining, protoPath);
        path = protoPath;
      }
      if (value === undefined || value === null || value === '') {
        throw new Error(`Set "${variable.jsonPath.join('.')}" in the request: the path needs it (${variable.pattern}).`);
      }
      if (typeof value === 'object') throw new Error(`"${variable.jsonPath.join('.')}" must be a string or number to go in the path.`);
      deleteAtPath(remaining, path);
      const text = String(value);
      values.set(variable.field, variable.multiSegment
        ? text.split('/').map(encodeURIComponent).join('/')
        : encodeURIComponent(text));
    }
    const path = route.path.replace(/\{([^}=]+)(?:=[^}]*)?\}/g, (_, field) => values.get(field.trim()) ?? '');

    let body = null;
    let queryObject = remaining;
    if (route.body === '*') {
      body = JSON.stringify(remaining);
      queryObject = null;
    } else if (route.body) {
      const key = route.bodyJsonName || route.body;
      const bodyValue = key in remaining ? remaining[key] : remaining[route.body];
      body = JSON.stringify(bodyValue === undefined ? {} : bodyValue);
      delete remaining[key];
      delete remaining[route.body];
    }
    const pairs = [];
    if (queryObject) queryPairs(queryObject, method.inputType, '', pairs, warnings, catalog);
    const query = pairs.map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`).join('&');

    const headers = [['accept', method.serverStreaming ? 'application/x-ndjson' : 'application/json']];
    if (body !== null) headers.push(['content-type', 'application/json']);
    return { method: route.method, url: query ? `${path}?${query}` : path, headers, body, warnings };
  }

  /** Flattens a message into query parameters: scalars, repeated scalars and singular nested messages. */
  function queryPairs(object, typeName, prefix, pairs, warnings, catalog) {
    const type = catalog.messages[typeName] || { fields: [] };
    const fields = new Map();
    for (const field of type.fields || []) { fields.set(field.jsonName, field); fields.set(field.name, field); }
    for (const [key, value] of Object.entries(object)) {
      const field = fields.get(key);
      const name = prefix + key;
      if (value === null || value === undefined) continue;
      const nested = field && field.type === 'message' ? catalog.messages[field.messageType] : null;
      const textForm = nested && TEXT_FORM_WKT.has(nested.wellKnownType);
      if (field && field.map) {
        if (Object.keys(value).length) warnings.push(`"${name}" is a map, which a query string cannot carry; it is not sent.`);
        continue;
      }
      if (Array.isArray(value)) {
        for (const element of value) {
          if (element !== null && typeof element === 'object') {
            warnings.push(`"${name}" holds objects, which a query string cannot carry; they are not sent.`);
            break;
          }
          pairs.push([name, String(element)]);
        }
        continue;
      }
      if (typeof value === 'object') {
        if (nested && !nested.wellKnownType) {
          queryPairs(value, field.messageType, `${name}.`, pairs, warnings, catalog);
        } else if (Object.keys(value).length) {
          warnings.push(`"${name}" is a JSON object, which a query string cannot carry; it is not sent.`);
        }
        continue;
      }
      // Implicit-presence defaults mean "unset" to the server: leave them out of the URL.
      const explicit = field && field.cardinality === 'optional' && field.type !== 'message';
      if (!explicit && !textForm && isDefaultScalar(value, field, catalog)) continue;
      if (!explicit && value === '') continue;
      pairs.push([name, String(value)]);
    }
  }

  function isDefaultScalar(value, field, catalog) {
    if (value === '' || value === false || value === 0 || value === '0') return true;
    if (field && field.type === 'enum') {
      const first = ((catalog.enums[field.enumType] || {}).values || []).find((entry) => entry.number === 0);
      return first !== undefined && value === first.name;
    }
    return false;
  }

  /** One request body holding every message as a frame (several only for client streaming). */
  function buildGrpcWebRequest(method, messages) {
    const texts = messages.map((message) => JSON.stringify(message));
    const frames = texts.map(encodeFrame);
    const body = new Uint8Array(frames.reduce((total, frame) => total + frame.length, 0));
    let offset = 0;
    for (const frame of frames) {
      body.set(frame, offset);
      offset += frame.length;
    }
    return {
      method: 'POST',
      url: method.grpcPath,
      headers: [
        ['content-type', GRPC_WEB_CONTENT_TYPE],
        ['accept', GRPC_WEB_CONTENT_TYPE],
        ['x-grpc-web', '1'],
        ['x-user-agent', 'portico-console'],
      ],
      body,
      messageTexts: texts,
      warnings: [],
    };
  }

  /** One gRPC-Web message frame: flag 0x00, the 4-byte big-endian length, the UTF-8 JSON. */
  function encodeFrame(json) {
    const payload = new TextEncoder().encode(json);
    const frame = new Uint8Array(5 + payload.length);
    new DataView(frame.buffer).setUint32(1, payload.length, false);
    frame.set(payload, 5);
    return frame;
  }

  /** Splits a gRPC-Web response body into frames as its bytes arrive, however they are chunked. */
  class GrpcWebParser {
    constructor() {
      this.buffer = new Uint8Array(0);
    }

    /** Adds bytes; returns the frames completed by them: `{ trailer: boolean, compressed: boolean, payload }`. */
    push(chunk) {
      const joined = new Uint8Array(this.buffer.length + chunk.length);
      joined.set(this.buffer, 0);
      joined.set(chunk, this.buffer.length);
      this.buffer = joined;
      const frames = [];
      let offset = 0;
      while (this.buffer.length - offset >= 5) {
        const flag = this.buffer[offset];
        const length = new DataView(this.buffer.buffer, this.buffer.byteOffset + offset + 1, 4).getUint32(0, false);
        if (length > MAX_FRAME_BYTES) throw new Error(`a frame declares ${length} bytes, more than the console accepts`);
        if (this.buffer.length - offset - 5 < length) break;
        frames.push({
          trailer: (flag & 0x80) !== 0,
          compressed: (flag & 0x01) !== 0,
          payload: this.buffer.slice(offset + 5, offset + 5 + length),
        });
        offset += 5 + length;
      }
      this.buffer = this.buffer.slice(offset);
      return frames;
    }

    /** Bytes of an incomplete frame still waiting for the rest. */
    get pendingBytes() {
      return this.buffer.length;
    }
  }

  /** Parses a trailer frame's `name: value\r\n` lines into a lower-case name -> value map. */
  function parseTrailers(text) {
    const trailers = new Map();
    for (const line of text.split(/\r?\n/)) {
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      trailers.set(name, trailers.has(name) ? `${trailers.get(name)}, ${value}` : value);
    }
    return trailers;
  }

  /** `grpc-message` is percent-encoded UTF-8; a malformed escape leaves the text as sent. */
  function decodeGrpcMessage(value) {
    if (!value) return '';
    try {
      return decodeURIComponent(value);
    } catch {
      return value;
    }
  }

  function buildRequest() {
    const method = state.current.method;
    const parsed = parseRequestMessage(method.clientStreaming);
    const protocol = currentProtocol();
    let request;
    if (protocol === 'grpc-web') {
      request = buildGrpcWebRequest(method, Array.isArray(parsed) ? parsed : [parsed]);
    } else {
      const route = currentRoute();
      if (!route) throw new Error(`${method.name} has no REST route; use gRPC-Web.`);
      if (Array.isArray(parsed)) {
        throw new Error('REST carries one request message: write a JSON object, or use gRPC-Web to send several.');
      }
      request = buildRestRequest(method, route, parsed);
    }
    const deadline = parseDeadline();
    if (deadline !== null) {
      request.headers.push(protocol === 'grpc-web'
        ? ['grpc-timeout', grpcTimeout(deadline)]
        : ['x-server-timeout', String(deadline)]);
    }
    for (const [name, value] of parseCustomHeaders()) {
      request.headers = request.headers.filter(([existing]) => existing !== name);
      request.headers.push([name, value]);
    }
    request.protocol = protocol;
    return request;
  }

  function refreshPreview() {
    if (!state.current) return;
    const method = state.current.method;
    const status = $('editor-status');
    const editor = $('request-editor');
    const note = $('protocol-note');
    const notes = [];
    if (method.clientStreaming) {
      notes.push(currentProtocol() === 'grpc-web'
        ? 'Client streaming: write a JSON array of request messages. They are sent together in one request body, '
          + 'so responses arrive once every request is in.'
        : 'Client streaming: REST sends one request message.');
    }
    const route = currentRoute();
    if (currentProtocol() === 'rest' && route && route.httpBodyRequest) {
      notes.push('This route takes a raw HTTP body; the console sends the JSON text as that body.');
    }
    try {
      const request = buildRequest();
      $('preview-method').textContent = request.method;
      $('preview-method').className = `verb verb-${request.method}`;
      $('preview-url').textContent = request.url;
      const frames = request.messageTexts ? request.messageTexts.length : 0;
      status.textContent = request.protocol === 'grpc-web'
        ? `Valid JSON · sent as ${frames === 1 ? 'one gRPC-Web frame' : `${frames} gRPC-Web frames`} (${request.body.length} bytes)`
        : `Valid JSON${request.body !== null ? ' · body sent as JSON' : ''}`;
      status.classList.remove('error');
      editor.removeAttribute('aria-invalid');
      notes.push(...request.warnings);
    } catch (error) {
      status.textContent = error.message;
      status.classList.add('error');
      editor.setAttribute('aria-invalid', 'true');
    }
    note.textContent = notes.join(' ');
    note.hidden = notes.length === 0;
  }

  // MARK: Sending

  async function send() {
    if (!state.current || state.controller) return;
    let request;
    try {
      request = buildRequest();
    } catch (error) {
      refreshPreview();
      $('request-editor').focus();
      return;
    }
    const method = state.current.method;
    const controller = new AbortController();
    state.controller = controller;
    setBusy(true);
    const view = new ResponseView(method, request);
    view.start();
    try {
      const response = await fetch(request.url, {
        method: request.method,
        headers: request.headers,
        body: request.body,
        signal: controller.signal,
        cache: 'no-store',
        redirect: 'manual',
      });
      view.headersReceived(response);
      if (request.protocol === 'grpc-web') await readGrpcWeb(response, view, controller);
      else await readRest(response, view, method);
    } catch (error) {
      if (error && error.name === 'AbortError') view.cancelled();
      else view.failed(error);
    } finally {
      view.finish();
      state.controller = null;
      setBusy(false);
    }
  }

  function setBusy(busy) {
    $('send-button').disabled = busy;
    $('cancel-button').hidden = !busy;
    $('send-button').setAttribute('aria-busy', busy ? 'true' : 'false');
  }

  async function readRest(response, view, method) {
    const contentType = (response.headers.get('content-type') || '').toLowerCase();
    if (method.serverStreaming && response.ok && contentType.startsWith('application/x-ndjson') && response.body) {
      view.beginStream();
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let pending = '';
      const handleLine = (line) => {
        if (line.trim() === '') return;
        let parsed;
        try { parsed = JSON.parse(line); } catch { view.streamMessage(line); return; }
        if (parsed && typeof parsed === 'object' && Object.keys(parsed).length === 1 && parsed.error) {
          view.streamError(parsed.error);
        } else {
          view.streamMessage(line);
        }
      };
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        view.bytes(value.length);
        pending += decoder.decode(value, { stream: true });
        let newline;
        while ((newline = pending.indexOf('\n')) >= 0) {
          handleLine(pending.slice(0, newline));
          pending = pending.slice(newline + 1);
        }
      }
      pending += decoder.decode();
      handleLine(pending);
      if (!view.grpcCodeKnown) view.setGrpcStatus(0, '');
      return;
    }
    const bytes = new Uint8Array(await response.arrayBuffer());
    view.bytes(bytes.length);
    const text = view.wholeBody(bytes, contentType);
    if (response.ok) {
      const value = method.serverStreaming && text !== null ? safeParse(text) : undefined;
      view.setMessageCount(Array.isArray(value) ? value.length : 1);
      view.setGrpcStatus(0, '');
    } else {
      view.setMessageCount(0);
      const status = tryParseStatus(bytes);
      if (status) view.setGrpcStatus(status.code, status.message);
    }
  }

  function tryParseStatus(bytes) {
    try {
      const value = JSON.parse(new TextDecoder().decode(bytes));
      if (value && Number.isInteger(value.code)) return { code: value.code, message: value.message || '' };
    } catch {
      // Not a google.rpc.Status body.
    }
    return null;
  }

  async function readGrpcWeb(response, view, controller) {
    const contentType = (response.headers.get('content-type') || '').toLowerCase();
    const headerStatus = response.headers.get('grpc-status');
    if (!contentType.startsWith('application/grpc-web')) {
      // Not a gRPC-Web answer (an HTTP error from the gateway or a proxy): show what came back.
      const bytes = new Uint8Array(await response.arrayBuffer());
      view.bytes(bytes.length);
      view.wholeBody(bytes, contentType);
      if (headerStatus !== null) view.setGrpcStatus(Number(headerStatus), decodeGrpcMessage(response.headers.get('grpc-message')));
      else view.note(`The response is not gRPC-Web (content-type: ${contentType || 'none'}).`);
      return;
    }
    const isJSON = contentType.includes('+json');
    const parser = new GrpcWebParser();
    const decoder = new TextDecoder();
    let sawTrailers = false;
    view.beginStream();
    if (response.body) {
      const reader = response.body.getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        view.bytes(value.length);
        for (const frame of parser.push(value)) {
          if (frame.compressed) throw new Error('the response has a compressed frame, which the console cannot read');
          if (frame.trailer) {
            sawTrailers = true;
            const trailers = parseTrailers(decoder.decode(frame.payload));
            view.trailers(trailers);
            view.setGrpcStatus(Number(trailers.get('grpc-status') ?? 2), decodeGrpcMessage(trailers.get('grpc-message')));
          } else if (isJSON) {
            view.streamMessage(decoder.decode(frame.payload));
          } else {
            view.streamMessage(null, frame.payload);
          }
        }
      }
    }
    if (sawTrailers) return;
    if (headerStatus !== null) {
      // Trailers-only: the status came in the HTTP headers and the body is empty.
      view.setGrpcStatus(Number(headerStatus), decodeGrpcMessage(response.headers.get('grpc-message')));
    } else if (!controller.signal.aborted) {
      view.note(parser.pendingBytes
        ? `The stream ended inside a frame (${parser.pendingBytes} bytes left over).`
        : 'The stream ended without a trailer frame, so its status is unknown.');
    }
  }

  // MARK: Response rendering

  class ResponseView {
    constructor(method, request) {
      this.method = method;
      this.request = request;
      this.count = 0;
      this.byteCount = 0;
      this.grpcCodeKnown = false;
      this.list = null;
      this.started = 0;
      this.firstByte = null;
      this.headerRows = [];
      this.trailerRows = [];
    }

    start() {
      this.started = performance.now();
      setChip($('http-status'), 'sending…', 'pending');
      setChip($('grpc-status'), '—', '');
      $('grpc-message').hidden = true;
      $('timing').textContent = '…';
      $('timing-detail').textContent = '';
      $('message-count').textContent = '—';
      $('response-body').replaceChildren(el('p', { class: 'muted placeholder' }, 'Waiting for the gateway…'));
      renderHeaderTable([], []);
      this.timer = setInterval(() => this.updateTiming(), 100);
    }

    headersReceived(response) {
      this.firstByte = performance.now() - this.started;
      const statusText = response.statusText ? ` ${response.statusText}` : '';
      const tone = response.status < 300 ? 'ok' : response.status < 500 ? 'warn' : 'error';
      setChip($('http-status'), `${response.status}${statusText}`, tone);
      this.headerRows = [...response.headers.entries()];
      renderHeaderTable(this.headerRows, this.trailerRows);
      this.updateTiming();
    }

    beginStream() {
      this.list = el('ol', { class: 'stream-list', id: 'stream-list', 'aria-label': 'Response messages' });
      $('response-body').replaceChildren(this.list);
      $('message-count').textContent = '0';
    }

    bytes(count) {
      this.byteCount += count;
    }

    /** Adds one message (JSON text, or raw bytes when the server sent protobuf). */
    streamMessage(text, raw) {
      const index = this.count;
      this.count += 1;
      $('message-count').textContent = String(this.count);
      const elapsed = Math.round(performance.now() - this.started);
      const content = text !== null && text !== undefined ? jsonBlock(text) : rawBlock(raw, 'application/x-protobuf');
      const item = el('li', { class: 'stream-message', 'data-index': String(index) },
        el('div', { class: 'stream-meta' }, el('strong', {}, `#${index + 1}`), `+${elapsed} ms`),
        content);
      if (!this.list) this.beginStream();
      if (!this.method.serverStreaming && this.count === 1) {
        this.list.replaceWith(el('div', { class: 'single-message', id: 'single-message' }, content));
        this.list = null;
        this.single = true;
        return;
      }
      this.list.append(item);
      const nearBottom = this.list.scrollHeight - this.list.scrollTop - this.list.clientHeight < 80;
      if (nearBottom) this.list.scrollTop = this.list.scrollHeight;
    }

    streamError(error) {
      const code = Number.isInteger(error.code) ? error.code : 2;
      this.setGrpcStatus(code, error.message || '');
      const item = el('li', { class: 'stream-message stream-error' },
        el('div', { class: 'stream-meta' }, el('strong', {}, 'error'), `after ${this.count} message${this.count === 1 ? '' : 's'}`),
        jsonBlock(JSON.stringify(error)));
      if (this.list) this.list.append(item);
    }

    wholeBody(bytes, contentType) {
      const body = $('response-body');
      if (bytes.length === 0) {
        body.replaceChildren(el('p', { class: 'muted' }, 'Empty body.'));
        return null;
      }
      const isText = /json|text|xml|javascript|ndjson|event-stream/.test(contentType) || contentType === '';
      let text = null;
      if (isText) {
        try { text = new TextDecoder('utf-8', { fatal: true }).decode(bytes); } catch { text = null; }
      }
      const children = [];
      if (contentType && !contentType.startsWith('application/json')) {
        children.push(el('p', { class: 'content-type' }, `content-type: ${contentType} · ${bytes.length} bytes`));
      }
      children.push(text !== null ? jsonBlock(text) : rawBlock(bytes, contentType));
      body.replaceChildren(...children);
      return text;
    }

    setMessageCount(count) {
      this.count = count;
      $('message-count').textContent = String(count);
    }

    trailers(trailers) {
      this.trailerRows = [...trailers.entries()];
      renderHeaderTable(this.headerRows, this.trailerRows);
    }

    setGrpcStatus(code, message) {
      this.grpcCodeKnown = true;
      const valid = Number.isInteger(code);
      setChip($('grpc-status'), valid ? `${code} ${codeName(code)}` : 'unknown', code === 0 ? 'ok' : 'error');
      const box = $('grpc-message');
      box.textContent = message || '';
      box.hidden = !message || code === 0;
    }

    /** Adds a message below what the body shows, replacing the "waiting" placeholder. */
    append(node) {
      const body = $('response-body');
      const placeholder = body.querySelector('.placeholder');
      if (placeholder) placeholder.remove();
      body.append(node);
    }

    note(text) {
      this.append(el('p', { class: 'error-box' }, text));
    }

    cancelled() {
      setChip($('grpc-status'), '1 CANCELLED', 'warn');
      if ($('http-status').textContent === 'sending…') setChip($('http-status'), 'cancelled', 'warn');
      this.note('Cancelled: the console stopped reading and closed the request.');
    }

    failed(error) {
      const network = error instanceof TypeError;
      if (!this.firstByte) setChip($('http-status'), network ? 'network error' : 'error', 'error');
      const detail = String(error && error.message ? error.message : error);
      this.append(el('div', { class: 'error-box', role: 'alert' },
        el('strong', {}, network ? 'The request failed before a response arrived.' : 'The response could not be read.'),
        network ? `Is the gateway still running at ${location.host}? (${detail})` : detail));
    }

    finish() {
      clearInterval(this.timer);
      this.updateTiming(true);
      if (this.list && this.list.children.length === 0) {
        this.list.replaceWith(el('p', { class: 'muted' },
          this.method.serverStreaming ? 'The stream finished without messages.' : 'No response message.'));
        this.list = null;
      }
    }

    updateTiming(final) {
      const total = Math.round(performance.now() - this.started);
      $('timing').textContent = final ? `${total} ms` : `${total} ms…`;
      const details = [];
      if (this.firstByte !== null) details.push(`headers in ${Math.round(this.firstByte)} ms`);
      if (this.byteCount) details.push(formatBytes(this.byteCount));
      $('timing-detail').textContent = details.join(' · ');
    }
  }

  function formatBytes(count) {
    if (count < 1024) return `${count} B`;
    if (count < 1024 * 1024) return `${(count / 1024).toFixed(1)} KiB`;
    return `${(count / 1024 / 1024).toFixed(1)} MiB`;
  }

  function safeParse(text) {
    try { return JSON.parse(text); } catch { return undefined; }
  }

  function setChip(node, text, tone) {
    node.textContent = text;
    node.className = `chip${tone ? ` ${tone}` : ''}`;
  }

  function clearResponse() {
    if (state.controller) return;
    setChip($('http-status'), '—', '');
    setChip($('grpc-status'), '—', '');
    $('grpc-message').hidden = true;
    $('timing').textContent = '—';
    $('timing-detail').textContent = '';
    $('message-count').textContent = '—';
    $('response-body').replaceChildren(el('p', { class: 'muted' }, 'Send a request to see the response.'));
    renderHeaderTable([], []);
  }

  function renderHeaderTable(headers, trailers) {
    const body = $('response-headers').tBodies[0];
    const rows = [];
    if (headers.length === 0 && trailers.length === 0) {
      rows.push(el('tr', {}, el('td', { colspan: '2', class: 'muted' }, 'No response yet.')));
    }
    for (const [name, value] of headers) rows.push(el('tr', {}, el('td', {}, name), el('td', {}, value)));
    if (trailers.length) {
      rows.push(el('tr', { class: 'section' }, el('td', { colspan: '2' }, 'Trailers')));
      for (const [name, value] of trailers) rows.push(el('tr', {}, el('td', {}, name), el('td', {}, value)));
    }
    body.replaceChildren(...rows);
  }

  function rawBlock(bytes, contentType) {
    const preview = Array.from(bytes.slice(0, 512), (byte) => byte.toString(16).padStart(2, '0')).join(' ');
    return el('pre', { class: 'raw' },
      `${bytes.length} bytes${contentType ? ` of ${contentType}` : ''}${bytes.length > 512 ? ' (first 512 shown)' : ''}\n\n${preview}`);
  }

  /** A <pre> with the JSON text pretty-printed and highlighted, or the text as sent when it is not JSON. */
  function jsonBlock(text) {
    const tokens = text.length <= MAX_HIGHLIGHT_CHARS ? prettyJSON(text) : null;
    if (!tokens) return el('pre', { class: 'raw' }, text);
    const pre = el('pre', { class: 'json' });
    for (const [kind, value] of tokens) {
      pre.append(kind ? el('span', { class: kind }, value) : document.createTextNode(value));
    }
    return pre;
  }

  /**
   * Re-indents JSON text without parsing numbers (so 64-bit values and exponents print exactly as sent) and
   * classifies each token for highlighting. Returns [class, text] pairs, or null when the text is not JSON.
   */
  function prettyJSON(text) {
    if (safeParse(text) === undefined && text.trim() !== 'null') return null;
    const tokens = [];
    const length = text.length;
    let index = 0;
    while (index < length) {
      const character = text[index];
      if (character === ' ' || character === '\n' || character === '\r' || character === '\t') { index += 1; continue; }
      if ('{}[],:'.includes(character)) { tokens.push({ type: character }); index += 1; continue; }
      if (character === '"') {
        let end = index + 1;
        while (end < length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
        tokens.push({ type: 'string', text: text.slice(index, end + 1) });
        index = end + 1;
        continue;
      }
      let end = index;
      while (end < length && !' \n\r\t{}[],:"'.includes(text[end])) end += 1;
      tokens.push({ type: 'value', text: text.slice(index, end) });
      index = end;
    }
    const out = [];
    let depth = 0;
    const newline = () => out.push([null, `\n${'  '.repeat(depth)}`]);
    tokens.forEach((token, position) => {
      const next = tokens[position + 1];
      switch (token.type) {
        case '{': case '[':
          out.push(['p', token.type]);
          if (next && (next.type === '}' || next.type === ']')) return;
          depth += 1;
          newline();
          return;
        case '}': case ']': {
          const previous = tokens[position - 1];
          if (!(previous && (previous.type === '{' || previous.type === '['))) { depth -= 1; newline(); }
          out.push(['p', token.type]);
          return;
        }
        case ',': out.push(['p', ',']); newline(); return;
        case ':': out.push(['p', ': ']); return;
        case 'string': out.push([next && next.type === ':' ? 'k' : 's', token.text]); return;
        default:
          out.push([/^(true|false|null)$/.test(token.text) ? 'l' : 'n', token.text]);
      }
    });
    return out;
  }

  // MARK: curl

  function shellQuote(text) {
    return `'${String(text).replace(/'/g, `'\\''`)}'`;
  }

  function curlCommand(request) {
    const url = new URL(request.url, location.href).href;
    const parts = ['curl', '-sS'];
    if (state.current && state.current.method.serverStreaming) parts.push('-N');
    if (request.method !== 'GET' || request.body !== null) parts.push('-X', request.method);
    parts.push(shellQuote(url));
    for (const [name, value] of request.headers) parts.push('-H', shellQuote(`${name}: ${value}`));
    if (request.protocol === 'grpc-web') {
      // Each frame: its 5-byte prefix as POSIX printf octal escapes, then the JSON text.
      const writes = request.messageTexts.map((text) => {
        const prefix = Array.from(encodeFrame(text).slice(0, 5), (byte) => `\\${byte.toString(8).padStart(3, '0')}`).join('');
        return `printf '${prefix}'; printf '%s' ${shellQuote(text)};`;
      });
      return `{ ${writes.join(' ')} } | ${parts.join(' ')} --data-binary @- --output -`;
    }
    if (request.body !== null) parts.push('--data-binary', shellQuote(request.body));
    return parts.join(' ');
  }

  async function copyCurl() {
    const status = $('copy-status');
    let command;
    try {
      command = curlCommand(buildRequest());
    } catch (error) {
      status.textContent = error.message;
      return;
    }
    try {
      await navigator.clipboard.writeText(command);
      status.textContent = 'Copied the curl command.';
    } catch {
      const area = el('textarea', { class: 'visually-hidden', 'aria-hidden': 'true' });
      area.value = command;
      document.body.append(area);
      area.select();
      const copied = document.execCommand && document.execCommand('copy');
      area.remove();
      status.textContent = copied ? 'Copied the curl command.' : 'Copy failed; your browser blocked the clipboard.';
    }
    setTimeout(() => { status.textContent = ''; }, 3000);
  }

  // MARK: Wiring

  function selectTab(which) {
    const bodySelected = which === 'body';
    $('tab-body').setAttribute('aria-selected', String(bodySelected));
    $('tab-headers').setAttribute('aria-selected', String(!bodySelected));
    $('tab-body').tabIndex = bodySelected ? 0 : -1;
    $('tab-headers').tabIndex = bodySelected ? -1 : 0;
    $('panel-body').hidden = !bodySelected;
    $('panel-headers').hidden = bodySelected;
  }

  function init() {
    $('method-filter').addEventListener('input', () => state.catalog && renderSidebar());
    $('request-editor').addEventListener('input', () => { fitEditor(); refreshPreview(); });
    $('deadline-input').addEventListener('input', refreshPreview);
    $('headers-input').addEventListener('input', refreshPreview);
    $('route-select').addEventListener('change', refreshPreview);
    for (const radio of document.querySelectorAll('input[name="protocol"]')) radio.addEventListener('change', refreshPreview);
    $('send-button').addEventListener('click', send);
    $('cancel-button').addEventListener('click', () => state.controller && state.controller.abort());
    $('curl-button').addEventListener('click', copyCurl);
    $('format-button').addEventListener('click', () => {
      try {
        const clientStreaming = Boolean(state.current && state.current.method.clientStreaming);
        $('request-editor').value = JSON.stringify(parseRequestMessage(clientStreaming), null, 2);
        fitEditor();
      } catch {
        // The status line already says what is wrong.
      }
      refreshPreview();
    });
    $('reset-button').addEventListener('click', () => {
      if (!state.current) return;
      $('request-editor').value = exampleText(state.current.method);
      fitEditor();
      state.drafts.delete(state.current.method.fullName);
      refreshPreview();
    });
    $('tab-body').addEventListener('click', () => selectTab('body'));
    $('tab-headers').addEventListener('click', () => selectTab('headers'));
    $('response-heading').parentElement.querySelector('[role="tablist"]').addEventListener('keydown', (event) => {
      if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
      const next = $('tab-body').getAttribute('aria-selected') === 'true' ? 'headers' : 'body';
      selectTab(next);
      $(next === 'body' ? 'tab-body' : 'tab-headers').focus();
    });
    document.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        send();
      } else if (event.key === 'Escape' && state.controller) {
        state.controller.abort();
      }
    });
    window.addEventListener('hashchange', () => {
      const linked = state.byPath.get(decodeURIComponent(location.hash.slice(1)));
      if (linked && (!state.current || state.current.method.fullName !== linked)) selectMethod(linked, { updateHash: false });
    });
    loadCatalog();
  }

  // Pure helpers, for tests and for anyone poking at the page from the developer tools.
  window.PorticoConsole = {
    GrpcWebParser, encodeFrame, parseTrailers, decodeGrpcMessage, grpcTimeout, prettyJSON, buildRestRequest,
    buildRequest, curlCommand,
    sampleForPattern, state,
  };

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
