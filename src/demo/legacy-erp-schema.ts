/** The DDL of the demo legacy ERP database: legacy CamelCase names, declared types and foreign keys. */

/** CREATE TABLE statements, parents first. */
export const LEGACY_ERP_TABLES: readonly string[] = [
  `CREATE TABLE Customers (
  CustNo INTEGER PRIMARY KEY,
  CustName VARCHAR(80) NOT NULL,
  EMail VARCHAR(120),
  Phone VARCHAR(30),
  Country CHAR(2),
  CreditLimit DECIMAL(12,2),
  IsActive BOOLEAN NOT NULL DEFAULT 1,
  CreatedAt DATETIME DEFAULT CURRENT_TIMESTAMP,
  Notes TEXT
)`,
  `CREATE TABLE Products (
  ProdNo INTEGER PRIMARY KEY,
  SKU VARCHAR(20) NOT NULL UNIQUE,
  Descr VARCHAR(200) NOT NULL,
  UnitPrice DECIMAL(10,2) NOT NULL,
  Weight_kg REAL,
  Discontinued BOOLEAN DEFAULT 0,
  Photo BLOB
)`,
  `CREATE TABLE Orders (
  OrderNo INTEGER PRIMARY KEY,
  CustNo INTEGER NOT NULL REFERENCES Customers(CustNo),
  OrderDate DATE NOT NULL,
  ShipDate DATE,
  Status VARCHAR(12) NOT NULL DEFAULT 'OPEN',
  Total DECIMAL(12,2),
  Currency CHAR(3) DEFAULT 'EUR'
)`,
  `CREATE TABLE OrderLines (
  OrderNo INTEGER NOT NULL REFERENCES Orders(OrderNo) ON DELETE CASCADE,
  LineNo INTEGER NOT NULL,
  ProdNo INTEGER NOT NULL REFERENCES Products(ProdNo),
  Qty INTEGER NOT NULL,
  UnitPrice DECIMAL(10,2) NOT NULL,
  Discount REAL DEFAULT 0,
  PRIMARY KEY (OrderNo, LineNo)
)`,
];

/** Secondary indexes, created after the rows are in (faster than maintaining them while inserting). */
export const LEGACY_ERP_INDEXES: readonly string[] = [
  'CREATE INDEX IX_Customers_Country ON Customers(Country)',
  'CREATE INDEX IX_Orders_CustNo ON Orders(CustNo)',
  'CREATE INDEX IX_Orders_OrderDate ON Orders(OrderDate)',
  'CREATE INDEX IX_OrderLines_ProdNo ON OrderLines(ProdNo)',
];
