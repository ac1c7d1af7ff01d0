// One delivery: the request as sent (headers with webhook-id, -timestamp and -signature; the body
// pretty-printed) and the last answer (status, the first 2 KB of its body, timing), with every attempt.
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { LocalTime } from "@/components/ui/local-time";
import { Table, Td, Th } from "@/components/ui/table";
import type { DeliveryDetail } from "@/lib/outbound-webhooks/endpoints";
import { DeliveryStatus } from "./delivery-status";

const pre =
  "max-h-[60vh] overflow-auto border-t border-zinc-100 bg-zinc-50 px-5 py-4 font-mono text-xs leading-relaxed text-zinc-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500";

function pretty(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

export function DeliveryDetailView({ d }: { d: DeliveryDetail }) {
  const last = d.attemptsLog[0];
  const headers = last?.requestHeaders ?? {};
  return (
    <div className="grid grid-cols-1 gap-6 lg:grid-cols-2">
      <Card>
        <CardHeader
          title="Request"
          description={
            last ? (
              <>
                POST <span className="break-all font-mono text-xs">{last.url}</span>
              </>
            ) : (
              "Not sent yet: the worker sends it within seconds."
            )
          }
        />
        {last && (
          <dl className="space-y-2 px-5 py-4 text-xs" data-testid="webhook-request-headers">
            {Object.entries(headers).map(([k, v]) => (
              <div key={k}>
                <dt className="font-mono text-zinc-500">{k}</dt>
                <dd className="break-all font-mono text-zinc-900">{v}</dd>
              </div>
            ))}
          </dl>
        )}
        <pre tabIndex={0} aria-label="Request body (JSON)" data-testid="webhook-request-body" className={pre}>
          {pretty(d.body)}
        </pre>
      </Card>
      <Card>
        <CardHeader title="Last response" description={last ? <LocalTime value={last.at} /> : "No attempt yet."} />
        {last && (
          <>
            <CardBody>
              <dl className="grid grid-cols-2 gap-3 text-sm" data-testid="webhook-response">
                <div>
                  <dt className="text-zinc-500">Status</dt>
                  <dd className="font-mono text-zinc-900">
                    {last.responseStatus ?? <span className="text-red-600">no answer</span>}
                  </dd>
                </div>
                <div>
                  <dt className="text-zinc-500">Duration</dt>
                  <dd className="tabular text-zinc-900">{last.durationMs} ms</dd>
                </div>
                {last.error && (
                  <div className="col-span-2">
                    <dt className="text-zinc-500">Error</dt>
                    <dd className="break-words text-red-600">{last.error}</dd>
                  </div>
                )}
              </dl>
            </CardBody>
            <pre tabIndex={0} aria-label="Response body (first 2 KB)" className={pre}>
              {last.responseBody ? last.responseBody : "(empty body)"}
            </pre>
          </>
        )}
      </Card>
      <Card className="lg:col-span-2">
        <CardHeader title="Attempts" description="Newest first. Each retry carries the same webhook-id." />
        {d.attemptsLog.length === 0 ? (
          <CardBody>
            <p className="text-sm text-zinc-500">No attempt yet.</p>
          </CardBody>
        ) : (
          <Table label="Attempts">
            <thead>
              <tr>
                <Th align="right">#</Th>
                <Th>Time</Th>
                <Th>Answer</Th>
                <Th align="right">Duration</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100">
              {d.attemptsLog.map((a) => (
                <tr key={a.id} className="align-top">
                  <Td align="right">{a.attempt}</Td>
                  <Td>
                    <LocalTime value={a.at} />
                  </Td>
                  <Td wrap className="max-w-sm">
                    {a.responseStatus !== null ? (
                      <DeliveryStatus
                        status={a.responseStatus >= 200 && a.responseStatus < 300 ? "delivered" : "failed"}
                        responseStatus={a.responseStatus}
                      />
                    ) : (
                      <span className="break-words text-xs text-red-600">{a.error}</span>
                    )}
                  </Td>
                  <Td align="right">{a.durationMs} ms</Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </Card>
      <p className="text-xs text-zinc-500 lg:col-span-2">
        Delivery <span className="font-mono">{d.id}</span> · webhook-id <span className="font-mono">{d.messageId}</span>{" "}
        · <DeliveryStatus status={d.status} responseStatus={null} />
      </p>
    </div>
  );
}
