/** Where the control-plane store lives: `--state`, else `$JIVS_STATE`, else `.jivs/state.db` here. */
import { resolve } from 'node:path';

export function stateStorePath(option: string | undefined): string {
  return resolve(option ?? process.env.JIVS_STATE ?? '.jivs/state.db');
}
