import Database from 'better-sqlite3';

/** Creates a SQLite database at `path` from SQL statements (schema and data). */
export function createSqliteDatabase(path: string, sql: string): void {
  const db = new Database(path);
  db.exec(sql);
  db.close();
}

/** Runs a query against a SQLite file and returns all rows. */
export function queryAll<T = Record<string, unknown>>(path: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

/** A small shop: customers ← orders ← order_items, with a few dirty rows. */
export const SHOP_SQL = `
CREATE TABLE Customers (
  CustNo INTEGER PRIMARY KEY,
  CustName VARCHAR(20) NOT NULL,
  EMail VARCHAR(40),
  Balance DECIMAL(10,2) DEFAULT 0,
  Active BOOLEAN NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX UX_Customers_EMail ON Customers(EMail);
CREATE TABLE Orders (
  OrderNo INTEGER PRIMARY KEY,
  CustNo INTEGER NOT NULL REFERENCES Customers(CustNo),
  OrderDate DATE NOT NULL,
  Total DECIMAL(10,2)
);
CREATE INDEX IX_Orders_CustNo ON Orders(CustNo);
CREATE TABLE OrderItems (
  OrderNo INTEGER NOT NULL REFERENCES Orders(OrderNo) ON DELETE CASCADE,
  LineNo INTEGER NOT NULL,
  Qty INTEGER NOT NULL,
  PRIMARY KEY (OrderNo, LineNo)
);
INSERT INTO Customers VALUES (1, 'Müller', 'm@example.com', 10.5, 1), (2, 'Dvořák', NULL, '7', 0),
  (3, 'Ōno 大野', 'o@example.com', 0, 'Y'), (4, 'Bad Balance', 'b@example.com', '12,50', 1);
INSERT INTO Orders VALUES (10, 1, '2024-01-31', 99.99), (11, 1, '2024-02-30', 5), (12, 2, '2024-03-01', NULL),
  (13, 3, '31.12.2019', 1);
INSERT INTO OrderItems VALUES (10, 1, 2), (10, 2, 1), (12, 1, 5);
`;
