import { Injectable } from '@nestjs/common';

/** Set when shutdown starts, so readiness fails and load balancers stop routing here. */
@Injectable()
export class ShutdownState {
  private shuttingDown = false;

  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  begin(): void {
    this.shuttingDown = true;
  }
}
