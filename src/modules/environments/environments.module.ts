import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Environment } from './environment.entity';
import { EnvironmentsResolver } from './environments.resolver';
import { EnvironmentsService } from './environments.service';

@Module({
  imports: [TypeOrmModule.forFeature([Environment])],
  providers: [EnvironmentsService, EnvironmentsResolver],
  exports: [EnvironmentsService],
})
export class EnvironmentsModule {}
