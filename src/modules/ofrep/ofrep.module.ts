import { Module } from '@nestjs/common';
import { EvaluationModule } from '../evaluation/evaluation.module';
import { FetchLogModule } from '../fetch-log/fetch-log.module';
import { OfrepService } from './ofrep.service';

/** OFREP; its router is mounted by the bootstrap (see ofrep.router.ts). */
@Module({
  imports: [EvaluationModule, FetchLogModule],
  providers: [OfrepService],
  exports: [OfrepService],
})
export class OfrepModule {}
