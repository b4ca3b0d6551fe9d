/** Every queue the system has; a job names its queue in @Job. */
export enum QueueName {
  Deployments = 'deployments',
  Alerts = 'alerts',
  Notifications = 'notifications',
  Maintenance = 'maintenance',
}
