/** Every queue the system has; a job names its queue in @Job. */
export enum QueueName {
  Deployments = 'deployments',
  Approvals = 'approvals',
  Alerts = 'alerts',
  Notifications = 'notifications',
  Maintenance = 'maintenance',
}
