/** Who a request acts as, once its access token checked out, and what access tokens claim. */
import type { UserRole } from '../../state/service-types.ts';

export interface Principal {
  username: string;
  /** The user's role now (from the store, not from the token: a changed role applies at once). */
  role: UserRole;
}

/**
 * The claims of an access token (HS256 JWT); the service also sets and requires `iss`, `aud`, `iat`
 * and `exp` (app.ts).
 */
export interface AccessClaims {
  /** The user name. */
  sub: string;
  /** The user's id (`User.id`): a user deleted and created again under the same name has another. */
  uid: string;
  /** The role when the token was issued (informative: each request reads the role from the store). */
  role: UserRole;
  typ: 'access';
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Null on public routes and before authentication. */
    principal: Principal | null;
  }
}

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: AccessClaims;
    user: AccessClaims;
  }
}
