// The node side of nnla_site.katex: one long-lived process that renders every formula of a build.
//
// Usage: node katex_worker.js /absolute/path/to/node_modules
//
// Protocol: JSON, one object per line.
//   start-up, worker -> Python: {"katex": "0.16.25"}   (or {"fatal": "..."} and exit status 1)
//   request,  Python -> worker: {"id": 1, "tex": "x^2", "options": {"displayMode": false, ...}}
//   reply,    worker -> Python: {"id": 1, "html": "<span class=\"katex\">...", "warnings": []}
//                           or {"id": 1, "error": "KaTeX parse error: ..."}
// The worker exits when its standard input is closed.
'use strict';

const path = require('path');
const readline = require('readline');

function send(message) {
  process.stdout.write(JSON.stringify(message) + '\n');
}

const nodeModules = process.argv[2];
if (!nodeModules) {
  send({fatal: 'usage: node katex_worker.js /path/to/node_modules'});
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
  const warnings = [];
  const options = Object.assign({output: 'htmlAndMathml', throwOnError: true}, request.options);
  if (options.strict === undefined || options.strict === 'warn') {
    // KaTeX's default prints to the console; hand the warnings back to Python instead.
    options.strict = (code, message) => {
      warnings.push(`${message} [${code}]`);
      return 'ignore';
    };
  }
  try {
    return {id: request.id, html: katex.renderToString(request.tex, options), warnings};
  } catch (err) {
    const message = err instanceof katex.ParseError ? err.message : String((err && err.stack) || err);
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
