/**
 * The slaves in display order (the farm model's sortedSlaves), sorted again only when it can have
 * changed: the order depends on who is there and what they are called (ABI, label, id), and the model
 * replaces a slave's facts only on HELLO. With 500 slaves reporting, the model changes tens of times a
 * second but the order almost never; a sort of 500 costs about 1.3 ms here (Intl.Collator, numbers as
 * numbers), and a Pi is slower.
 */
import { sortedSlaves, type FarmContext, type FarmSlave } from '../../../machines/farm/index.js';

let last: { slaves: FarmContext['slaves']; order: readonly FarmSlave[] } | null = null;

export function displayOrder(context: FarmContext): readonly FarmSlave[] {
  const { slaves } = context;
  if (last?.slaves === slaves) return last.order;
  const previous = last?.order;
  const unchanged = previous !== undefined && previous.length === slaves.size && previous.every((s) => slaves.get(s.id)?.facts === s.facts);
  const order = unchanged ? previous.map((s) => slaves.get(s.id)!) : sortedSlaves(context);
  last = { slaves, order };
  return order;
}
