/**
 * Encryption at rest of connection secrets in stored specs: AES-256-GCM with a random 96-bit IV per
 * value, the key from `JIVS_SECRET_KEY` (32 bytes, base64 or hex). A sealed value reads
 * `enc:v1:<iv>:<tag>:<ciphertext>` (base64url); the associated data binds it to its migration and
 * field, so a sealed value copied elsewhere does not decrypt.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { InputError } from '../core/errors.ts';

const PREFIX = 'enc:v1:';

/** True for a value {@link SecretBox.seal} produced. */
export function isSealed(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(PREFIX);
}

/** Reads a 32-byte key written as 64 hex digits or as base64 / base64url. */
export function parseSecretKey(text: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed)
    ? Buffer.from(trimmed, 'hex')
    : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) {
    throw new InputError([
      {
        path: 'JIVS_SECRET_KEY',
        message: 'must be 32 bytes, written as 64 hex digits or in base64; e.g. `openssl rand -base64 32`.',
      },
    ]);
  }
  return key;
}

/** Seals and opens secrets with one key. */
export class SecretBox {
  private readonly key: Buffer;

  constructor(key: string) {
    this.key = parseSecretKey(key);
  }

  /** Encrypts `plain`; `context` (migration id and field) must be given again to open it. */
  seal(plain: string, context: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(context));
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const parts = [iv, cipher.getAuthTag(), data].map((b) => b.toString('base64url'));
    return `${PREFIX}${parts.join(':')}`;
  }

  /** Decrypts a sealed value; throws when the key, the context or the value is wrong. */
  open(sealed: string, context: string): string {
    const parts = sealed.slice(PREFIX.length).split(':');
    if (!isSealed(sealed) || parts.length !== 3) throw new Error('not a sealed secret');
    const [iv, tag, data] = parts.map((p) => Buffer.from(p, 'base64url')) as [Buffer, Buffer, Buffer];
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
    } catch {
      throw new Error(
        `a stored secret (${context}) cannot be decrypted: JIVS_SECRET_KEY is not the key it was stored with.`,
      );
    }
  }
}
