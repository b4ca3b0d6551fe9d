import { Injectable } from '@nestjs/common';
import { systemAuthor } from '../../core/auth/actor';
import { ConfigDeployment, GuardTripAction } from './config-deployment.entity';
import { DeploymentsService } from './deployments.service';

/** The author guard trips are recorded under in the change history. */
export const GUARD_AUTHOR = systemAuthor('deployment-guard');

/**
 * The entry point of a deployment's guards (the alerts that watch it): a trip rolls the
 * deployment back, or pauses it when the deployment says so (`onGuardTrip`), recording why.
 */
@Injectable()
export class GuardService {
  constructor(private readonly deployments: DeploymentsService) {}

  async trip(deploymentId: string, reason: string): Promise<ConfigDeployment> {
    const deployment = await this.deployments.find(deploymentId);
    const why = `Guard tripped: ${reason}`;
    if (deployment.onGuardTrip === GuardTripAction.ROLLBACK) {
      return this.deployments.rollbackAs(GUARD_AUTHOR, deploymentId, why);
    }
    // A second trip while the first one's pause holds changes nothing.
    if (deployment.status === 'paused') return deployment;
    return this.deployments.pauseAs(GUARD_AUTHOR, deploymentId, why);
  }
}
