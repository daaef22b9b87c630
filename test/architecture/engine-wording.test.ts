/**
 * Issue 12, messages: below the entry points (cli/, server/) no message tells the user to type a CLI
 * command. The engine names the next step (core/next-step.ts); the CLI and the API word it. Every
 * string and template literal of those floors is read with the TypeScript parser (comments are not
 * messages), and the check is shown to catch such a message.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const src = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src');
/** The entry points, which word things for their own audience, and the demo, which is a CLI command. */
const ENTRY_POINTS = new Set(['cli', 'server', 'demo']);
const CLI_COMMAND =
  /\bjivs (?:migrate|resume|pause|status|rejects|replay|verify|plan|demo|serve|user|schema)\b|--force\b/;

/** The literals of a TypeScript source that name a CLI command, as `line: text`. */
function cliWording(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteralLike(node) || ts.isTemplateLiteralToken(node)) {
      if (CLI_COMMAND.test(node.text)) {
        const { line } = source.getLineAndCharacterOfPosition(node.getStart());
        found.push(`${line + 1}: ${node.text}`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

test('no message below the CLI and the service names a CLI command', () => {
  const found: string[] = [];
  for (const folder of readdirSync(src, { withFileTypes: true })) {
    if (!folder.isDirectory() || ENTRY_POINTS.has(folder.name)) continue;
    const files = readdirSync(join(src, folder.name), { recursive: true, encoding: 'utf8' });
    for (const name of files.filter((f) => f.endsWith('.ts'))) {
      const file = join(src, folder.name, name);
      for (const hit of cliWording(file, readFileSync(file, 'utf8')))
        found.push(`${relative(src, file)}:${hit}`);
    }
  }
  assert.deepEqual(found, []);
});

test('the check sees a CLI command in a string and a template, and not in a comment', () => {
  const text = [
    '// `jivs resume` in a comment is fine',
    "const a = 'run `jivs status` to list them';",
    'const b = `continue with \\`jivs resume ${id}\\``;',
  ].join('\n');
  assert.deepEqual(
    cliWording('x.ts', text).map((hit) => hit.split(':')[0]),
    ['2', '3'],
  );
});
