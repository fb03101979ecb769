import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { rowsOf } from 'src/database/sql-result';
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
    const result: unknown = await this.dataSource.query(
      `DELETE FROM sign_in_attempts WHERE state = $1
       RETURNING id, state, binding_hash AS "bindingHash", nonce, code_verifier AS "codeVerifier", provider, invitation_hash AS "invitationHash", created_at AS "createdAt", expires_at AS "expiresAt"`,
      [state],
    );
    return rowsOf<SignInAttemptEntity>(result)[0];
  }

  async insertSession(session: Pick<WebSessionEntity, 'tokenHash' | 'csrfToken' | 'personId' | 'roleId' | 'provider' | 'expiresAt' | 'lastSeenAt'>): Promise<void> {
    await this.dataSource.getRepository(WebSessionEntity).insert(session);
  }

  findSession(tokenHash: string): Promise<WebSessionEntity | null> {
    return this.dataSource.getRepository(WebSessionEntity).findOne({ where: { tokenHash } });
  }

  async touchSession(id: string, at: Date): Promise<void> {
    await this.dataSource.query(`UPDATE web_sessions SET last_seen_at = $2 WHERE id = $1`, [id, at]);
  }

  async setRole(id: string, roleId: string): Promise<void> {
    await this.dataSource.query(`UPDATE web_sessions SET role_id = $2 WHERE id = $1`, [id, roleId]);
  }

  async deleteSession(id: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM web_sessions WHERE id = $1`, [id]);
  }

  /** Sessions and sign-ins past their time: removed now and then, so the tables hold only live ones. */
  async deleteExpired(idleSeconds: number): Promise<void> {
    await this.dataSource.query(`DELETE FROM sign_in_attempts WHERE expires_at < now()`);
    await this.dataSource.query(`DELETE FROM web_sessions WHERE expires_at < now() OR last_seen_at < now() - make_interval(secs => $1)`, [idleSeconds]);
  }
}
