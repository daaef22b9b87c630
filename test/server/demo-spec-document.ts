/** The demo spec as a JSON document for the API, its paths inside the server's spec folder. */
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { copyDemo } from '../cli/demo-fixture.ts';

/** Copies the demo source into `<specDir>/demo` and returns the spec document that migrates it. */
export async function demoSpecDocument(specDir: string): Promise<Record<string, unknown>> {
  const demo = await copyDemo(specDir);
  const spec = parse(await readFile(join(demo, 'demo.yaml'), 'utf8')) as Record<string, unknown> & {
    source: { path: string };
    target: { path: string };
  };
  const folder = relative(specDir, demo);
  spec.source.path = `${folder}/${spec.source.path}`;
  spec.target.path = `${folder}/${spec.target.path}`;
  return spec;
}
