/** The CSV and JSON Lines connectors. */
export { openCsvSource } from './csv-source.ts';
export { openCsvSink } from './csv-sink.ts';
export { openJsonlSource } from './jsonl-source.ts';
export { openJsonlSink } from './jsonl-sink.ts';
