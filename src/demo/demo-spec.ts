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
  maxRejectRate: 0.15       # stop once more than 15 % of the rows read were rejected
  # maxRejects: 1000        # ...or once more than this many rows were rejected

# Per-table settings. Tables matched by include but not listed here migrate with the settings above.
# Per column: transform steps (applied in order, before the cast to the target type), rules (checked on the
# result; severity critical or major rejects the row into the quarantine, minor and warning only count in
# the quality report), personal: true / mask for PII. Expressions (filter, check, expr) are CEL.
tables:
  - name: Customers         # source table name, exactly as in the source
    target: customer        # target table name, used as written (the naming rule does not apply)
    # mode: append          # a table can override the mode too
    columns:                # keyed by source column name
      CustName:
        transform: [trim]
      EMail:
        rename: email_address   # target column name, used as written
        personal: true          # listed as personal data by \`jivs plan\`
        transform: [trim, lower, nullIfEmpty]
        rules:
          - format: email
            severity: major
            message: is not a valid e-mail address
      Phone:
        mask: { partial: { keepLast: 4 } }   # PII: only the last four digits reach the target
        # skip: true            # ...or leave a column out of the target
      Country:
        transform: [trim, upper]
        rules:
          - pattern: "^[A-Z]{2}$"
            severity: minor
          - completeness: 0.95  # at least 95 % of the customers have a country
            severity: warning
      CreditLimit:
        type: decimal(14,2)     # target type override, in portable names: text, varchar(n),
                                # decimal(p,s), integer, bigint, float, boolean, date, timestamp, binary, json
        # transform:
        #   - replace: { pattern: ",", with: "." }   # decimal commas: uncomment, then \`jivs replay <run>\`
        rules:
          - min: 0
      IsActive:
        transform:
          - map: { values: { "Y": true, "N": false } }
      Notes:
        type: text

  - name: Products
    columns:
      SKU:
        rules:
          - unique: true
            severity: critical
          - pattern: "^[A-Z]{2}-[0-9]{6}$"
            severity: minor
      UnitPrice:
        rules:
          - min: 0

  - name: Orders
    columns:
      CustNo:
        rules:
          - references: { table: Customers, column: CustNo }   # the customer must have been loaded
            message: refers to a customer that does not exist
      OrderDate:
        transform:
          - parseDate: { formats: ["yyyy-MM-dd", "dd.MM.yyyy", "MM/dd/yyyy"] }
      ShipDate:
        transform:
          - nullIfEmpty
          - map: { values: { "N/A": null, "0000-00-00": null } }
          - parseDate: { formats: ["yyyy-MM-dd", "dd.MM.yyyy", "MM/dd/yyyy"] }
      Status:
        rules:
          - in: [OPEN, ON_HOLD, SHIPPED, INVOICED, CANCELLED]
      # Total:
      #   transform:
      #     - replace: { pattern: ",", with: "." }   # decimal commas: uncomment, then \`jivs replay <run>\`
    computed:               # target columns the source does not have
      source_system: { type: varchar(20), value: legacy-erp }
    rules:                  # rules over the whole row
      - check: ShipDate == null || ShipDate >= OrderDate
        name: shipped-after-ordered
        severity: minor

  - name: OrderLines
    columns:
      OrderNo:
        rules:
          - references: { table: Orders, column: OrderNo }
            message: belongs to an order that was not loaded
      ProdNo:
        rules:
          - references: { table: Products, column: ProdNo }
            message: refers to a product that does not exist
      Qty:
        rules:
          - min: 1
            message: quantity must be at least 1
    computed:
      line_total:
        type: decimal(14,2)
        expr: "double(Qty) * UnitPrice * (1.0 - (Discount == null ? 0.0 : Discount))"
`;
}
