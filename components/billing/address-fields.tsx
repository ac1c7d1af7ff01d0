// The postal address fields shared by the seller's and a customer's billing details forms.
import { Field } from "@/components/ui/field";

export type AddressValues = {
  address_line1: string;
  address_line2: string;
  city: string;
  postal_code: string;
  region: string;
  country: string;
};

export function AddressFields({
  idPrefix,
  value,
  error,
  disabled,
}: {
  idPrefix: string;
  value: (name: keyof AddressValues) => string;
  error: (name: string) => string | undefined;
  disabled?: boolean;
}) {
  const f = (name: keyof AddressValues, label: string, extra: React.InputHTMLAttributes<HTMLInputElement> = {}) => (
    <Field
      id={`${idPrefix}-${name}`}
      label={label}
      name={name}
      defaultValue={value(name)}
      error={error(name)}
      disabled={disabled}
      {...extra}
    />
  );
  return (
    <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
      {f("address_line1", "Address line 1", { autoComplete: "address-line1", className: "sm:col-span-2" })}
      {f("address_line2", "Address line 2", { autoComplete: "address-line2", className: "sm:col-span-2" })}
      {f("postal_code", "Postal code", { autoComplete: "postal-code" })}
      {f("city", "City", { autoComplete: "address-level2" })}
      {f("region", "Region or state", { autoComplete: "address-level1" })}
      {f("country", "Country (two letters)", {
        autoComplete: "country",
        maxLength: 2,
        placeholder: "e.g. DE",
      })}
    </div>
  );
}
