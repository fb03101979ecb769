import { DefinitionSetEntity } from 'src/outcomes/definition-set.entity';

const MONTHS = ['januari', 'februari', 'maart', 'april', 'mei', 'juni', 'juli', 'augustus', 'september', 'oktober', 'november', 'december'];

/**
 * The bijsluiter: a plain-language description (Dutch, the users' language) of what every
 * parameter of a definition set means for the figures computed with it.
 */
export function describeDefinitionSet(definition: DefinitionSetEntity, regionCode: string, effectiveToCohort: number | null): string {
  const reference = `${definition.referenceDay} ${MONTHS[definition.referenceMonth - 1]}`;
  const applies =
    definition.effectiveFromCohort === null
      ? 'Deze versie is (nog) niet van kracht.'
      : `Van kracht voor cohort ${definition.effectiveFromCohort}${effectiveToCohort !== null ? ` tot en met ${effectiveToCohort}` : ' en later'}.`;
  const lines = [
    `# ${definition.name} (regio ${regionCode}, versie ${definition.version})`,
    '',
    applies,
    '',
    '## Definities',
    `- **Cohort**: het studiejaar waarin de inschrijving begint (2023 = 2023-24).`,
    `- **Peildatum**: ${reference} van het jaar na de start van het cohort. De uitkomst na het eerste jaar wordt op die datum vastgesteld.`,
    `- **Directe instroom**: het diploma van de vooropleiding is behaald in het jaar waarin het cohort begint; anders indirect.`,
    `- **Ingeschreven (jaar 2)**: op de peildatum nog ingeschreven in dezelfde opleiding.`,
    `- **Diploma (jaar 1)**: de inschrijving eindigde vóór de peildatum met een diploma.`,
    `- **Switch**: de inschrijving eindigde vóór de peildatum zonder diploma en binnen ${definition.switchWindowMonths} maanden na de einddatum begon een nieuwe inschrijving in de regio: **intern** bij dezelfde instelling, **extern** bij een andere instelling van de regio.`,
    `- **Uitval**: de inschrijving eindigde vóór de peildatum zonder diploma en er volgde binnen het switchvenster geen inschrijving in de regio.`,
    definition.switchersCountAsUitval
      ? `- **Uitval op opleidingsniveau**: switchers tellen ook als uitvallers van de opleiding die zij verlieten.`
      : `- **Uitval op opleidingsniveau**: switchers tellen niet als uitvallers.`,
    `- **Rendement**: diploma binnen de nominale duur van de opleiding plus één jaar, voor cohorten waarvan die termijn verstreken is.`,
    `- **Doorstroom** (toeleveraars met uitstroomgegevens): aandeel van de schoolverlaters dat in het volgende cohort in de regio instroomt.`,
    '',
    '## Afbakening',
    definition.firstYearInSectorOnly
      ? `- Alleen de eerste inschrijving van een student in een sector telt (herinstromers niet).`
      : `- Elke inschrijving telt, ook van studenten die eerder in dezelfde sector stonden ingeschreven.`,
    definition.voltijdOnly ? `- In het hoger onderwijs tellen alleen voltijdinschrijvingen.` : `- Alle studievormen tellen (voltijd, deeltijd, duaal; bol en bbl).`,
    `- Alleen stromen waarvan zowel de toeleverende als de ontvangende instelling lid is van de regio tellen mee.`,
    '',
    '## Privacy',
    `- Cellen met 0 < n < ${definition.suppressionK} worden onderdrukt, met hun percentages. Aanvullende cellen worden onderdrukt zodat geen onderdrukte waarde uit totalen, rijen of kolommen valt af te leiden.`,
    '',
    '## Trendbreuksignalering',
    `- Leveringsbreuk: n van het cohort is lager dan ${definition.supplyLowRatio} × of hoger dan ${definition.supplyHighRatio} × de mediaan van de basisperiode; dan wordt de trend niet getoetst.`,
    `- Basisperiode: de ${definition.baselineCohorts} voorgaande cohorten samen, binnen één definitieversie; minstens ${definition.minBaselineCohorts} cohorten en samen n ≥ ${definition.minBaselineN}. Het huidige cohort telt mee bij n ≥ ${definition.minCurrentN}.`,
    `- Toets: Fisher's exacte toets, tweezijdig; Benjamini–Hochberg met q = ${definition.fdrQ} over alle getoetste cellen → trendbreuk. Ongecorrigeerd p < 0,05, of drie cohorten op rij buiten de 95%-grens aan dezelfde kant → aandacht.`,
    `- Een wijziging van definities tussen twee cohorten is een methodebreuk: basisperiodes lopen daar nooit overheen.`,
  ];
  if (definition.notes.trim().length > 0) lines.push('', '## Toelichting van de coördinator', definition.notes.trim());
  return `${lines.join('\n')}\n`;
}
