import { Injectable } from '@nestjs/common';
import { lookup } from 'node:dns/promises';
import { ResolvedAddress } from './webhook-target.util';

/** DNS as webhook delivery sees it: every address of a hostname (a seam for tests). */
@Injectable()
export class HostResolver {
  async resolve(hostname: string): Promise<ResolvedAddress[]> {
    return lookup(hostname, { all: true, verbatim: true });
  }
}
