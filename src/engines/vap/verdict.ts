/**
 * One pass/fail/skip/error verdict per policy × binding, from the dispatcher's review: what the
 * harness and `kpc eval` compare across engines.
 */
import type { Verdict } from '../../util/eval-row.ts';
import type { BindingReview } from './dispatch.ts';

export interface BindingVerdict {
  readonly policy: string;
  readonly binding: string;
  readonly verdict: Verdict;
  readonly message: string;
}

/**
 * skip: not matched, no params (Allow), or every match condition excluded the request;
 * error: a configuration or evaluation error (denying under failurePolicy Fail, ignored under
 * Ignore — the message says which), or something this evaluator cannot reproduce;
 * fail: a validation was false (whatever the validationActions: Warn and Audit still fail it);
 * pass: every validation held.
 */
export function bindingVerdict(review: BindingReview): BindingVerdict {
  const base = { policy: review.policy, binding: review.binding };
  switch (review.outcome) {
    case 'not-matched':
    case 'no-params':
      return { ...base, verdict: 'skip', message: review.message };
    case 'config-error':
    case 'unsupported':
    case 'error':
      return { ...base, verdict: 'error', message: review.message };
    case 'evaluated':
      break;
  }
  const decisions = review.evaluations.flatMap((e) => e.decisions);
  const ignored = (message: string, denies: boolean) => (denies ? message : `${message} (ignored: failurePolicy Ignore)`);
  const errors = [
    ...decisions.filter((d) => d.evaluation === 'error').map((d) => ignored(d.message, d.action === 'deny')),
    ...review.evaluations.flatMap((e) => e.auditAnnotations).flatMap((a) => (a.error !== undefined ? [ignored(a.error, a.action === 'error')] : [])),
  ];
  if (errors.length > 0) return { ...base, verdict: 'error', message: errors.join('; ') };
  const denied = decisions.filter((d) => d.action === 'deny');
  if (denied.length > 0) return { ...base, verdict: 'fail', message: `${review.validationActions.join(',')}: ${denied.map((d) => d.message).join('; ')}` };
  if (review.evaluations.every((e) => !e.matched)) return { ...base, verdict: 'skip', message: review.message };
  return { ...base, verdict: 'pass', message: '' };
}
