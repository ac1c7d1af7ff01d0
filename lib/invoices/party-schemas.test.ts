import { describe, expect, it } from "vitest";
import { addressLines, ZBillingDetailsForm, ZSellerSettings, ZSellerSettingsPatch } from "./party-schemas";

describe("billing details form", () => {
  it("keeps the filled tax id rows, normalized, and drops the empty ones", () => {
    const r = ZBillingDetailsForm.parse({
      billing_name: "Acme GmbH",
      country: "de",
      tax_id_type_0: "eu_vat",
      tax_id_value_0: "de123456789",
      tax_id_type_1: "us_ein",
      tax_id_value_1: "",
      tax_id_type_2: "us_ein",
      tax_id_value_2: "123456789",
    });
    expect(r.details).toMatchObject({
      billing_name: "Acme GmbH",
      country: "DE",
      tax_ids: [
        { type: "eu_vat", value: "DE123456789" },
        { type: "us_ein", value: "12-3456789" },
      ],
    });
  });

  it("names the row whose tax id is not of its kind", () => {
    const r = ZBillingDetailsForm.safeParse({ tax_id_type_1: "au_abn", tax_id_value_1: "51824753557" });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]).toMatchObject({ path: ["tax_id_value_1"] });
    expect(r.error!.issues[0]!.message).toMatch(/checksum/);
  });

  it("refuses a country that is not two letters", () => {
    const r = ZBillingDetailsForm.safeParse({ country: "Germany" });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.path).toEqual(["country"]);
  });
});

describe("seller settings", () => {
  it("defaults to the TLY- prefix and refuses a prefix with spaces", () => {
    expect(ZSellerSettings.parse({}).number_prefix).toBe("TLY-");
    expect(ZSellerSettingsPatch.safeParse({ number_prefix: "inv 1" }).success).toBe(false);
    expect(ZSellerSettingsPatch.parse({ number_prefix: "inv-" })).toEqual({ number_prefix: "INV-" });
  });

  it("prints an address without its empty parts", () => {
    expect(
      addressLines({
        address_line1: "Main St 1",
        address_line2: "",
        city: "Berlin",
        postal_code: "10115",
        region: "",
        country: "DE",
      }),
    ).toEqual(["Main St 1", "10115 Berlin", "DE"]);
  });
});
