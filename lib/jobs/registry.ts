// Every background job. Each domain exports its jobs; they are listed here once.
import { spendingCapJob } from "@/lib/billing/spending-cap";
import { thresholdInvoicingJob } from "@/lib/payments/threshold-invoicing";
import { creditJobs } from "@/lib/credits/jobs";
import { emailJob } from "@/lib/email/outbox";
import { outboxJob } from "@/lib/jobs/outbox";
import { webhookDeliveryJob } from "@/lib/outbound-webhooks/deliver";
import { meteringJobs } from "@/lib/metering/jobs";
import "@/lib/payments/auto-top-up-charge";
import "@/lib/payments/card-setup";
import "@/lib/payments/provider-customer";
import "@/lib/payments/sync-customer-details";
import "@/lib/payments/lifecycle";
import "@/lib/payments/stripe-period-usage";
import { reconciliationJob } from "@/lib/payments/reconcile-stripe-periods";
import { subscriptionRolloverJob } from "@/lib/subscriptions/rollover";
import { trialEndingJob } from "@/lib/subscriptions/trial-ending";
import { importScheduleJob } from "@/lib/imports/schedule";
import type { Job } from "./runner";

export const JOBS: Job[] = [
  subscriptionRolloverJob,
  trialEndingJob,
  outboxJob,
  webhookDeliveryJob,
  emailJob,
  reconciliationJob,
  ...creditJobs,
  ...meteringJobs,
  spendingCapJob,
  thresholdInvoicingJob,
  importScheduleJob,
];
