import { DynamicModule, Global, Module } from '@nestjs/common';
import { ReadReplica, REPLICA_SETTINGS, ReplicaSettings } from 'src/database/read-replica';

/** The optional read replica of the views (DATABASE_READ_URL); without it every read goes to the primary. */
@Global()
@Module({})
export class ReadReplicaModule {
  static forRoot(settings: ReplicaSettings | null): DynamicModule {
    return { module: ReadReplicaModule, providers: [{ provide: REPLICA_SETTINGS, useValue: settings }, ReadReplica], exports: [ReadReplica] };
  }
}
