import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { execute, queryOne, sql } from 'src/database/sql';
import { SignInAttemptEntity, WebSessionEntity } from 'src/session/web-session.entity';

/** All SQL of web sessions and sign-ins under way. */
@Injectable()
export class SessionsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insertAttempt(attempt: Pick<SignInAttemptEntity, 'state' | 'bindingHash' | 'nonce' | 'codeVerifier' | 'provider' | 'invitationHash' | 'expiresAt'>): Promise<void> {
    await this.dataSource.getRepository(SignInAttemptEntity).insert(attempt);
  }

  /** Takes the attempt a callback names: found by its state, and deleted in the same step, so it is used once. */
  async takeAttempt(state: string): Promise<SignInAttemptEntity | undefined> {
    return queryOne<SignInAttemptEntity>(
      this.dataSource,
      sql`DELETE FROM sign_in_attempts WHERE state = ${state}
          RETURNING id, state, binding_hash AS "bindingHash", nonce, code_verifier AS "codeVerifier", provider, invitation_hash AS "invitationHash", created_at AS "createdAt", expires_at AS "expiresAt"`,
    );
  }

  async insertSession(session: Pick<WebSessionEntity, 'tokenHash' | 'csrfToken' | 'personId' | 'roleId' | 'provider' | 'expiresAt' | 'lastSeenAt'>): Promise<void> {
    await this.dataSource.getRepository(WebSessionEntity).insert(session);
  }

  findSession(tokenHash: string): Promise<WebSessionEntity | null> {
    return this.dataSource.getRepository(WebSessionEntity).findOne({ where: { tokenHash } });
  }

  async touchSession(id: string, at: Date): Promise<void> {
    await execute(this.dataSource, sql`UPDATE web_sessions SET last_seen_at = ${at} WHERE id = ${id}`);
  }

  async setRole(id: string, roleId: string): Promise<void> {
    await execute(this.dataSource, sql`UPDATE web_sessions SET role_id = ${roleId} WHERE id = ${id}`);
  }

  async deleteSession(id: string): Promise<void> {
    await execute(this.dataSource, sql`DELETE FROM web_sessions WHERE id = ${id}`);
  }

  /** Sessions and sign-ins past their time: removed now and then, so the tables hold only live ones. */
  async deleteExpired(idleSeconds: number): Promise<void> {
    await execute(this.dataSource, sql`DELETE FROM sign_in_attempts WHERE expires_at < now()`);
    await execute(this.dataSource, sql`DELETE FROM web_sessions WHERE expires_at < now() OR last_seen_at < now() - make_interval(secs => ${idleSeconds})`);
  }
}
