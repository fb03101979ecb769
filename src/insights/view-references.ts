import { Injectable } from '@nestjs/common';
import { BreakdownColumn, InsightsRepository, ViewScope } from 'src/insights/insights.repository';
import { DefinitionSetEntity } from 'src/outcomes/definition-set.entity';
import type { RecordSector } from 'src/programmes/programme-codes';
import { ReferenceComparisonDto } from 'src/references/dto/reference.dto';
import { ReferencesService } from 'src/references/references.service';

/**
 * The reference series beside a view: published national or sector figures of the sectors the
 * view's students enrolled in (and, where the source breaks them down, of their prior education),
 * over the view's cohorts, with how their definitions differ from the region's. They are public
 * figures, not region records: no disclosure control applies to them, while the region's and the
 * school's figures beside them pass it as before.
 */
@Injectable()
export class ViewReferences {
  constructor(
    private readonly repository: InsightsRepository,
    private readonly references: ReferencesService,
  ) {}

  /** `sectorRows`: the view's rows by sector over the same cohorts, where it has read them already. */
  async forScope(
    scope: ViewScope,
    from: number,
    to: number,
    definitions: DefinitionSetEntity[],
    options: { byPriorEducation: boolean; sectorRows?: Array<{ key: string }> },
  ): Promise<ReferenceComparisonDto[]> {
    const unique = (rows: Array<{ key: string }>): string[] => [...new Set(rows.map((row) => row.key))].sort();
    const keys = async (column: BreakdownColumn): Promise<string[]> => unique(await this.repository.cells(scope, column, from, to));
    const sectors = (options.sectorRows ? unique(options.sectorRows) : await keys('sector')) as RecordSector[];
    const priorEducation = options.byPriorEducation ? await keys('diplomaType') : [];
    const sets = [...new Map(definitions.map((definition) => [definition.id, definition])).values()];
    return this.references.forView({ sectors, priorEducation, from, to, definitions: sets });
  }
}
