import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DatabaseTimeouts, dataSourceOptions } from './data-source-options';
import { MigrationRunner } from './migration-runner';

@Module({})
export class DatabaseModule {
  static forRoot(url: string, embedded: boolean, timeouts: DatabaseTimeouts): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRoot({
          ...dataSourceOptions(url, embedded, timeouts),
          autoLoadEntities: true,
          retryAttempts: 3,
          retryDelay: 1000,
        }),
      ],
      providers: [MigrationRunner],
    };
  }
}
