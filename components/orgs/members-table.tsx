import { Badge } from "@/components/ui/badge";
import { LocalTime } from "@/components/ui/local-time";
import { Table, Td, Th } from "@/components/ui/table";

export type Member = { id: string; name: string; email: string; role: string; lastSignInAt: Date | null };

export function MembersTable({ members }: { members: Member[] }) {
  return (
    <Table>
      <thead>
        <tr>
          <Th>Name</Th>
          <Th>Email</Th>
          <Th>Role</Th>
          <Th>Last sign-in</Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-zinc-100">
        {members.map((m) => (
          <tr key={m.id}>
            <Td className="font-medium text-zinc-900">{m.name}</Td>
            <Td>{m.email}</Td>
            <Td>
              <Badge tone={m.role === "owner" ? "brand" : "gray"}>{m.role}</Badge>
            </Td>
            <Td>
              {m.lastSignInAt ? (
                <LocalTime value={m.lastSignInAt} mode="relative" />
              ) : (
                <span className="text-zinc-500">never</span>
              )}
            </Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
