// Every background job. Each domain exports its jobs; they are listed here once.
import { creditJobs } from "@/lib/credits/jobs";
import type { Job } from "./runner";

export const JOBS: Job[] = [...creditJobs];
