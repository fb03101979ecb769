import type { CookieOptions, Request, Response } from 'express';
import { SignInConfig } from 'src/config/sign-in-config';

/**
 * The two cookies of the web report. Both HttpOnly and SameSite=Lax (the provider's redirect back
 * is a cross-site top-level navigation, which Lax lets through and Strict would not); Secure, with
 * the `__Host-`/`__Secure-` prefixes, whenever the service is reached over https.
 */
export class SessionCookies {
  readonly secure: boolean;
  readonly session: string;
  readonly signIn: string;

  constructor(config: SignInConfig) {
    this.secure = config.publicUrl.startsWith('https:');
    this.session = this.secure ? '__Host-doorstroom-session' : 'doorstroom-session';
    this.signIn = this.secure ? '__Secure-doorstroom-sign-in' : 'doorstroom-sign-in';
  }

  read(request: Request, name: string): string | undefined {
    const header = request.headers.cookie;
    if (!header) return undefined;
    for (const part of header.split(';')) {
      const separator = part.indexOf('=');
      if (separator > 0 && part.slice(0, separator).trim() === name) {
        const value = part.slice(separator + 1).trim();
        return value.length > 0 && value.length <= 256 ? value : undefined;
      }
    }
    return undefined;
  }

  setSession(response: Response, token: string, expiresAt: Date): void {
    response.cookie(this.session, token, { ...this.options('/'), expires: expiresAt });
  }

  clearSession(response: Response): void {
    response.clearCookie(this.session, this.options('/'));
  }

  /** Binds a sign-in under way to this browser; sent back only to the callback. */
  setSignIn(response: Response, value: string, maxAgeMs: number): void {
    response.cookie(this.signIn, value, { ...this.options('/v1/session/callback'), maxAge: maxAgeMs });
  }

  clearSignIn(response: Response): void {
    response.clearCookie(this.signIn, this.options('/v1/session/callback'));
  }

  private options(path: string): CookieOptions {
    return { httpOnly: true, sameSite: 'lax', secure: this.secure, path };
  }
}
