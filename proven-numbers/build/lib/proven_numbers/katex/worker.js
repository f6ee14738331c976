// The node side of proven_numbers.katex: one long-lived process that renders every formula of a build.
//
// Usage: node worker.js /absolute/path/to/node_modules
//
// Protocol: JSON, one object per line.
//   start-up, worker -> Python: {"katex": "0.16.25"}   (or {"fatal": "..."} and exit status 1)
//   request,  Python -> worker: {"id": 1, "tex": "x^2", "options": {"displayMode": false, ...}}
//   reply,    worker -> Python: {"id": 1, "html": "<span class=\"katex\">..."}
//                           or {"id": 1, "error": "KaTeX parse error: ..."}
// The worker exits when its standard input is closed.
//
// Whatever the request says, a formula is rendered with the site's safety settings: errors throw (never a red
// formula in the page), strict warnings are errors, and nothing that needs KaTeX's `trust` (links, images,
// classes, ids, styles, data attributes) is allowed. The Python side fixes the other options.
'use strict';

const path = require('path');
const readline = require('readline');

function send(message) {
  process.stdout.write(JSON.stringify(message) + '\n');
}

const nodeModules = process.argv[2];
if (!nodeModules) {
  send({fatal: 'usage: node worker.js /path/to/node_modules'});
  process.exit(1);
}

let katex;
try {
  // An explicit path: the project's pinned KaTeX, never one found elsewhere on the module path.
  katex = require(path.join(path.resolve(nodeModules), 'katex'));
} catch (err) {
  send({fatal: `cannot load katex from ${nodeModules}: ${err.message}`});
  process.exit(1);
}

send({katex: katex.version});

function render(request) {
  const refused = [];
  const options = Object.assign({}, request.options, {
    throwOnError: true,
    strict: 'error',
    // Asked for every command that could reach outside the formula (\href, \url, \includegraphics, \htmlId, ...).
    trust: (context) => {
      refused.push(context.command);
      return false;
    },
  });
  try {
    const html = katex.renderToString(request.tex, options);
    if (refused.length > 0) {
      const commands = [...new Set(refused)].join(', ');
      return {id: request.id, error: `${commands} is not allowed on this site: a formula cannot link, embed or style`};
    }
    return {id: request.id, html};
  } catch (err) {
    const message = err instanceof katex.ParseError ? err.message : `KaTeX failed: ${String((err && err.message) || err)}`;
    return {id: request.id, error: message};
  }
}

const lines = readline.createInterface({input: process.stdin, crlfDelay: Infinity});
lines.on('line', (line) => {
  if (line.trim() === '') {
    return;
  }
  let request;
  try {
    request = JSON.parse(line);
  } catch (err) {
    send({id: null, error: `malformed request: ${err.message}`});
    return;
  }
  send(render(request));
});
