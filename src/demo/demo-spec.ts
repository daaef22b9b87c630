/** The migration spec the demo writes out: the user's first look at the spec format, so it explains itself. */
import { stringify } from 'yaml';

/** Options of {@link demoSpecYaml}. */
export interface DemoSpecOptions {
  /** The demo SQLite source, written into the spec exactly as given (relative paths resolve against the spec's folder). */
  sourcePath: string;
  /** The SQLite target, written exactly as given. */
  targetPath: string;
}

/** A YAML scalar for `value`: plain when YAML allows it, quoted otherwise, always on one line. */
function scalar(value: string): string {
  const text = stringify(value, { lineWidth: 0 }).trimEnd();
  return text.includes('\n') ? JSON.stringify(value) : text;
}

/**
 * The commented YAML spec that migrates the demo legacy ERP (see generateLegacyErp) from `sourcePath`
 * to a SQLite database at `targetPath`. It validates against MigrationSpecSchema.
 */
export function demoSpecYaml(options: DemoSpecOptions): string {
  return `# JiVS Migrate migration spec: the demo legacy ERP (SQLite) into a new, cleanly named SQLite database.
# Edit it and run it again. Only version, source and target are required; everything else has a default.
# Relative paths resolve against this file's folder; \${ENV:NAME} reads an environment variable.

version: 1                  # spec format version
name: legacy-erp-demo       # names the run in reports, logs and the dashboard

# Where the data comes from: sqlite (a file), csv or jsonl (a file or a folder of them).
source:
  type: sqlite
  path: ${scalar(options.sourcePath)}

# Where the data goes.
target:
  type: sqlite
  path: ${scalar(options.targetPath)}

include: ["*"]              # glob patterns of the source tables to migrate; "*" = all of them
# exclude: ["Tmp*"]         # ...and patterns of tables to leave out

naming: snake_case          # target names from source names: OrderLines -> order_lines, CustNo -> cust_no
                            # (keep | snake_case | lower)
mode: create                # create: drop and recreate the target tables | truncate | append | fail-if-exists

batchSize: 1000             # rows per batch: one write transaction each; memory grows with batchSize × parallelism
parallelism: 2              # partitions migrated at the same time
partitionRows: 20000        # larger tables are split into key-range partitions (here: Orders, OrderLines)

errors:
  maxRejectRate: 0.05       # stop once more than 5 % of the rows read were rejected
  # maxRejects: 1000        # ...or once more than this many rows were rejected

# Per-table settings. Tables matched by include but not listed here migrate with the settings above.
tables:
  - name: Customers         # source table name, exactly as in the source
    target: customer        # target table name, used as written (the naming rule does not apply)
    # mode: append          # a table can override the mode too
    columns:                # keyed by source column name
      EMail:
        rename: email_address   # target column name, used as written
      CreditLimit:
        type: decimal(14,2)     # target type override, in portable names: text, varchar(n),
                                # decimal(p,s), integer, bigint, float, boolean, date, timestamp, binary, json
      Notes:
        type: text
      # Phone:
      #   skip: true            # leave a column out of the target
`;
}
