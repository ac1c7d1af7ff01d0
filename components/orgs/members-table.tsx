import { Badge } from "@/components/ui/badge";
import { LocalTime } from "@/components/ui/local-time";
import { Table, Td, Th } from "@/components/ui/table";

export type Member = { id: string; name: string; email: string; role: string; lastSignInAt: Date | null };

/**
 * The organization's people. On a phone the e-mail moves under the name and the last sign-in under the
 * role, so two columns fit 390 px without scrolling sideways; from `sm` up each has its own column.
 */
export function MembersTable({ members }: { members: Member[] }) {
  const lastSignIn = (m: Member) =>
    m.lastSignInAt ? (
      <LocalTime value={m.lastSignInAt} mode="relative" />
    ) : (
      <span className="text-zinc-500">never</span>
    );
  return (
    <Table label="Members">
      <thead>
        <tr>
          <Th>Name</Th>
          <Th className="hidden sm:table-cell">Email</Th>
          <Th>Role</Th>
          <Th className="hidden sm:table-cell">Last sign-in</Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-zinc-100">
        {members.map((m) => (
          <tr key={m.id} data-testid="member-row">
            <Td className="font-medium text-zinc-900" wrap>
              <span className="break-words">{m.name}</span>
              <div className="break-all text-xs font-normal text-zinc-500 sm:hidden">{m.email}</div>
            </Td>
            <Td className="hidden sm:table-cell">{m.email}</Td>
            <Td>
              <Badge tone={m.role === "owner" ? "brand" : "gray"}>{m.role}</Badge>
              <div className="mt-1 text-xs text-zinc-500 sm:hidden">
                <span className="sr-only">Last sign-in: </span>
                {lastSignIn(m)}
              </div>
            </Td>
            <Td className="hidden sm:table-cell">{lastSignIn(m)}</Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
