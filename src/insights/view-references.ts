import { Injectable } from '@nestjs/common';
import { InsightsRepository, ViewScope } from 'src/insights/insights.repository';
import { DefinitionSetEntity } from 'src/outcomes/definition-set.entity';
import type { RecordSector } from 'src/programmes/programme-codes';
import { ReferenceComparisonDto } from 'src/references/dto/reference.dto';
import { ReferencesService } from 'src/references/references.service';

/** Each definition set once. */
const eachSetOnce = (definitions: DefinitionSetEntity[]): DefinitionSetEntity[] => [...new Map(definitions.map((definition) => [definition.id, definition])).values()];

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

  /** The view's sectors and prior diploma types over the same cohorts, as it read them with its rows. */
  async forScope(
    from: number,
    to: number,
    definitions: DefinitionSetEntity[],
    keys: { sectorRows: Array<{ key: string }>; priorRows: Array<{ key: string }> },
  ): Promise<ReferenceComparisonDto[]> {
    const unique = (rows: Array<{ key: string }>): string[] => [...new Set(rows.map((row) => row.key))].sort();
    return this.references.forView({ sectors: unique(keys.sectorRows) as RecordSector[], priorEducation: unique(keys.priorRows), from, to, definitions: eachSetOnce(definitions) });
  }

  /**
   * The reference series beside the rows of a view by level: per sector × level the view holds,
   * the series of that sector and level. A row's key is its level; a bachelor row can match an
   * hbo and a wo series, each only where the view has students of that sector at that level.
   */
  async forLevels(scope: ViewScope, from: number, to: number, definitions: DefinitionSetEntity[]): Promise<ReferenceComparisonDto[]> {
    const levels = await this.repository.sectorLevels(scope, from, to);
    return this.references.forLevels({ levels, from, to, definitions: eachSetOnce(definitions) });
  }
}
