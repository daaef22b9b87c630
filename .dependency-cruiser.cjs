/**
 * The floors of src/ (README, "Layout"): a folder imports only folders on floors below it, and never a
 * folder beside it. Type-only imports are free. `test/architecture/floors.test.ts` runs this check.
 *
 *   5  cli/                       the command line (it starts the service too)
 *   4  server/                    the HTTP service
 *   3  engine/                    runs a plan: orchestrator, phases, checkpoints, replay, jivs verify
 *   2  plan/  verify/  demo/      makes a plan; verification as a library fed with digests; the demo data
 *   1  spec/  connectors/  rules/  state/
 *   0  core/                      shared vocabulary: logical types, coercion, values, errors
 */
const FLOORS = [
  ['core'],
  ['spec', 'connectors', 'rules', 'state'],
  ['plan', 'verify', 'demo'],
  ['engine'],
  ['server'],
  ['cli'],
];

const floorOf = (folder) => FLOORS.findIndex((floor) => floor.includes(folder));

/** For each folder, a rule that forbids importing any folder not below it (itself excepted). */
const forbidden = FLOORS.flatMap((floor) =>
  floor.map((folder) => {
    const allowed = [folder, ...FLOORS.slice(0, floorOf(folder)).flat()];
    return {
      name: `floor-${folder}`,
      comment: `${folder}/ may import only ${allowed.join(', ')} (type-only imports excepted)`,
      severity: 'error',
      from: { path: `^src/${folder}/` },
      to: {
        path: '^src/',
        pathNot: allowed.map((name) => `^src/${name}/`),
        dependencyTypesNot: ['type-only'],
      },
    };
  }),
);

module.exports = {
  forbidden: [
    ...forbidden,
    {
      name: 'no-runtime-cycles',
      comment: 'Modules do not import each other in a circle (type-only imports excepted).',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
