// How a document's PDF is answered: ours inline, or a redirect to the provider's (a Response whose
// headers route() can still add its request id to — Response.redirect's are immutable).
import "server-only";

export const pdfResponse = (pdf: Uint8Array, name: string) =>
  new Response(Buffer.from(pdf), {
    headers: {
      "content-type": "application/pdf",
      "content-disposition": `inline; filename="${name}.pdf"`,
      "cache-control": "private, max-age=60",
    },
  });

export const redirectTo = (url: string) => new Response(null, { status: 302, headers: { location: url } });
