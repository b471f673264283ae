/**
 * The result codes and steps a CRM plugin's end-to-end tenant uses: the demo's routing (VIP to the owner's
 * extension, known to the sales queue, unknown to code 2) and a customer-number step. YAML, to be placed
 * at the top level of a tenant file after the plugin's own `crm:` block.
 */
export const CRM_RESULTS = `results: { "1": known customer, "2": unknown caller, "3": customer number not found, e: the CRM could not tell }`;

export const CRM_STEPS = `steps:
  welcome:
    rules:
      - when: { vip: true }
        reply:
          result: extensions
          redirect: "{{ contact.owner.extension }}"
          say: "Sayın {{ contact.name | mask }} hoş geldiniz, sizi temsilciniz {{ contact.owner.name }} ile görüştürüyorum."
      - when: { known: true }
        reply: { result: queue, redirect: satis, say: "Sayın {{ contact.name | mask }} hoş geldiniz." }
      - reply: { result: "2" }
    fallback: { result: e }
  musteri:
    lookup: customerNumber
    rules:
      - when: { known: true }
        reply: { result: "1", say: "Sayın {{ contact.name | mask }}, müşteri numaranız doğrulandı." }
      - reply: { result: "3" }
    fallback: { result: e }
`;
