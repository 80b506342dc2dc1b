/**
 * A deadline names one step of one delivery: `<notificationId>|<deviceId>|<step>`. Device ids cannot
 * contain '|' (the API's id pattern), so the member parses back unambiguously.
 */
export interface DeadlineRef {
  notificationId: string;
  deviceId: string;
  step: number;
}

export function deadlineMember(ref: DeadlineRef): string {
  return `${ref.notificationId}|${ref.deviceId}|${ref.step}`;
}

export function parseDeadlineMember(member: string): DeadlineRef | undefined {
  const [notificationId, deviceId, step] = member.split('|');
  const n = Number(step);
  if (!notificationId || !deviceId || !Number.isInteger(n) || n < 1) return undefined;
  return { notificationId, deviceId, step: n };
}
