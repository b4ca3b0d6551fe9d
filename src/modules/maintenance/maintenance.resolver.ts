import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { Actor } from '../../core/auth/actor';
import { Allow, CurrentActor } from '../../core/auth/auth.decorators';
import { Role } from '../../core/auth/role';
import { RunMaintenanceInput, RunMaintenancePayload } from './dto/run-maintenance.input';
import { MaintenanceService } from './maintenance.service';

@Resolver()
export class MaintenanceResolver {
  constructor(private readonly maintenance: MaintenanceService) {}

  @Mutation(() => RunMaintenancePayload, {
    description:
      'Queues a housekeeping task now. Needs an admin key not scoped to one environment.',
  })
  @Allow(Role.ADMIN)
  async runMaintenance(
    @CurrentActor() actor: Actor,
    @Args('input') input: RunMaintenanceInput,
  ): Promise<RunMaintenancePayload> {
    return { jobId: await this.maintenance.run(actor, input) };
  }
}
