import { Alert, Anchor, Badge, Button, Checkbox, Group, Loader, Paper, SegmentedControl, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import type { ExerciseDto } from '@contracts/exercise.schema.js';
import type { AfterActionReview } from '@contracts/scoring.schema.js';
import { useQuery } from '@tanstack/react-query';
import { queries } from '../api/queries.js';
import { AppLayout } from '../components/app-layout.js';
import { ErrorText } from '../components/error-text.js';
import { formatIndex, formatNumber } from '../lib/format.js';
import { useSession } from '../realtime/hooks.js';
import { describeAction } from '../trainee/activity-panel.js';
import { ReportGradeBadge } from '../components/report-grade-badge.js';
import { DEBRIEF_NS } from './debrief-i18n.js';
import { PracticeHintsSection } from '../practice/practice-hints-section.js';
import { clock, NOTE_KINDS, ReviewNames, reviewNotes, type NoteKind } from './review-model.js';
import './debrief.css';

const KIND_COLOR: Record<NoteKind, string> = { missed: 'red', late: 'orange', wrong: 'yellow', right: 'teal', info: 'gray' };

/**
 * A team's after-action review as a page of the console: `/exercises/:id/review` is the reader's own
 * team, `/exercises/:id/teams/:teamId/review` any team (instructors, reviewers). Everything is named
 * by its title in the chosen language; the print view drops the app's chrome and the filters.
 */
export function ReviewPage() {
  const { exerciseId = '', teamId: teamParam } = useParams();
  const { t, i18n } = useTranslation(DEBRIEF_NS);
  const { t: tt } = useTranslation();
  const { user } = useSession();
  const exercise = useQuery(queries.exercise(exerciseId));
  const ex = exercise.data;
  const teamId = teamParam ?? ex?.myTeamId ?? null;
  const review = useQuery({ ...queries.review(exerciseId, teamId ?? ''), enabled: teamId !== null });
  const lang = i18n.language === 'en' ? 'en' : 'vi';
  const controls = user?.roles.some((r) => r === 'instructor' || r === 'admin') ?? false;
  const own = teamParam === undefined || teamParam === ex?.myTeamId;

  return (
    <AppLayout>
      <Stack gap="sm" maw={1300} mx="auto" className="debrief" data-testid="review-page" data-loaded={review.data ? 'true' : 'false'} lang={lang}>
        <Group justify="space-between" className="debrief-no-print">
          <Group gap="xs">
            {own && ex?.myTeamId && (
              <Button size="xs" variant="default" component={Link} to={`/exercises/${exerciseId}/console`}>
                {t('console')}
              </Button>
            )}
            {controls && (
              <Button size="xs" variant="default" component={Link} to={`/exercises/${exerciseId}/cockpit`}>
                {t('cockpit')}
              </Button>
            )}
          </Group>
          <Button size="sm" onClick={() => window.print()} data-testid="review-print" disabled={!review.data}>
            {t('print')}
          </Button>
        </Group>
        {ex && !teamId && <Alert color="gray">{t('notYet')}</Alert>}
        {review.error !== null && !review.data && (ex?.status === 'running' || ex?.status === 'paused') && own ? (
          <Alert color="blue">{t('notYet')}</Alert>
        ) : (
          <ErrorText error={review.error} />
        )}
        {review.isLoading && <Loader aria-label={tt('common.loading')} />}
        {review.data && ex && <ReviewBody review={review.data} exercise={ex} linkToConsole={own && ex.myTeamId !== null} lang={lang} />}
        {review.data && ex?.kind === 'practice' && teamId && <PracticeHintsSection exerciseId={exerciseId} teamId={teamId} />}
      </Stack>
    </AppLayout>
  );
}

function ReviewBody({
  review,
  exercise,
  linkToConsole,
  lang,
}: {
  review: AfterActionReview;
  exercise: ExerciseDto;
  linkToConsole: boolean;
  lang: 'vi' | 'en';
}) {
  const { t } = useTranslation(DEBRIEF_NS);
  const { t: tt } = useTranslation();
  const [kind, setKind] = useState<string>('all');
  const [stage, setStage] = useState<string | null>(null);
  // Noise is most of what arrived: the timeline shows it on request (false alarms are in the annotations).
  const [showNoise, setShowNoise] = useState(false);
  const names = useMemo(() => new ReviewNames(review, t, tt, lang), [review, t, tt, lang]);
  const notes = useMemo(() => reviewNotes(review, t, tt, lang), [review, t, tt, lang]);
  const members = useMemo(() => new Map(exercise.teams.flatMap((team) => team.members.map((m) => [m.id, m.displayName || m.username] as const))), [exercise]);
  const inStage = (phase: string | null) => stage === null || phase === stage;
  const shownNotes = notes.filter((n) => (kind === 'all' || n.kind === kind) && inStage(n.phase));
  const alertLink = (ref: string | undefined | null) =>
    ref ? (linkToConsole ? `/exercises/${exercise.id}/console?alert=${encodeURIComponent(ref)}` : `#alert-${ref}`) : null;
  const phaseOfEntry = (entry: AfterActionReview['timeline'][number]): string | null => {
    if (entry.kind === 'stage') return entry.id;
    if (entry.kind === 'alert') return review.labels.alerts[entry.id]?.phase ?? null;
    if (entry.kind === 'action') {
      const action = entry.action ?? {};
      const alertId = typeof action.alertId === 'string' ? action.alertId : null;
      return alertId ? (review.labels.alerts[alertId]?.phase ?? null) : null;
    }
    return null;
  };
  const deadlineLabel = (id: string): string => {
    const [prefix, subject = ''] = [id.slice(0, id.indexOf(':')), id.slice(id.indexOf(':') + 1)];
    if (prefix === 'response') {
      const r = review.ideal.responses.find((x) => x.id === subject);
      return r ? names.response(r.action, r.target) : '';
    }
    const o = review.ideal.reports.find((x) => x.id === subject);
    return o ? `${names.reportKind(o.kind)} → ${names.parties(o.recipients)}` : '';
  };

  return (
    <>
      <div>
        <Title order={1} fz="h3" data-testid="review-title">
          {t('title')} — {review.teamName}
        </Title>
        <Text c="dimmed">{exercise.title === review.scenarioTitle[lang] ? exercise.title : `${exercise.title} · ${review.scenarioTitle[lang]}`}</Text>
        <Text fw={700} fz="lg" data-testid="review-score">
          {t('score', { total: formatNumber(review.total, 1), max: formatNumber(review.maxScore), index: formatIndex(review.index) })}
        </Text>
        {(exercise.status === 'running' || exercise.status === 'paused') && (
          <Text c="orange" fz="sm">
            {t('live')}
          </Text>
        )}
      </div>

      <Paper withBorder p="sm">
        <Title order={2} fz="md" mb="xs">
          {t('stages.title')}
        </Title>
        <Table fz="sm" data-testid="review-stages">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('stages.stage')}</Table.Th>
              <Table.Th>{t('stages.first')}</Table.Th>
              <Table.Th ta="right">{t('stages.alerts')}</Table.Th>
              <Table.Th ta="right">{t('stages.detected')}</Table.Th>
              <Table.Th ta="right">{t('stages.missed')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {review.stages.map((s) => (
              <Table.Tr key={s.phaseId}>
                <Table.Td>{s.name[lang]}</Table.Td>
                <Table.Td ff="monospace">{s.firstAlertMs === null ? t('stages.notReached') : clock(s.firstAlertMs)}</Table.Td>
                <Table.Td ta="right">{s.truePositives}</Table.Td>
                <Table.Td ta="right">{s.detected}</Table.Td>
                <Table.Td ta="right" c={s.missed > 0 ? 'red' : undefined}>
                  {s.missed}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Paper>

      <Paper withBorder p="sm" className="debrief-no-print">
        <Group gap="md" align="flex-end">
          <div>
            <Text fz="sm" fw={500} mb={4}>
              {t('filters.kind')}
            </Text>
            <SegmentedControl
              size="xs"
              value={kind}
              onChange={setKind}
              data={[{ value: 'all', label: t('kinds.all') }, ...NOTE_KINDS.map((k) => ({ value: k, label: t(`kinds.${k}`) }))]}
              data-testid="review-kind-filter"
            />
          </div>
          <Select
            size="xs"
            w={260}
            label={t('filters.stage')}
            placeholder={t('filters.allStages')}
            clearable
            value={stage}
            onChange={setStage}
            data={review.stages.map((s) => ({ value: s.phaseId, label: s.name[lang] }))}
            data-testid="review-stage-filter"
          />
        </Group>
      </Paper>

      <Paper withBorder p="sm">
        <Title order={2} fz="md" mb="xs">
          {t('notes.title')}
        </Title>
        {shownNotes.length === 0 && (
          <Text c="dimmed" fz="sm">
            {t('notes.empty')}
          </Text>
        )}
        <Stack gap={6} data-testid="review-notes">
          {shownNotes.map((n) => {
            const href = alertLink(n.alertRef);
            return (
              <Group key={n.id} gap="xs" wrap="nowrap" align="flex-start" data-testid="review-note" data-kind={n.kind}>
                <Badge color={KIND_COLOR[n.kind]} variant="light" w={130} style={{ flexShrink: 0 }}>
                  {t(`kinds.${n.kind}`)}
                </Badge>
                <Text fz="sm" ff="monospace" w={90} style={{ flexShrink: 0 }}>
                  {n.atMs === null ? '' : clock(n.atMs)}
                </Text>
                <Text fz="sm" style={{ flex: 1 }}>
                  {n.text}
                  {href && (
                    <>
                      {' '}
                      <Anchor component={Link} to={href} fz="sm" className="debrief-no-print">
                        {t('missed.open')}
                      </Anchor>
                    </>
                  )}
                </Text>
                <Text fz="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                  {n.maxPoints > 0
                    ? t('notes.points', { points: formatNumber(n.points, 1), max: formatNumber(n.maxPoints, 1) })
                    : n.points !== 0
                      ? t('notes.penalty', { points: formatNumber(n.points, 1) })
                      : ''}
                </Text>
              </Group>
            );
          })}
        </Stack>
      </Paper>

      <Paper withBorder p="sm">
        <Title order={2} fz="md" mb="xs">
          {t('missed.title')}
        </Title>
        {review.missedAlerts.filter((m) => inStage(m.phase)).length === 0 ? (
          <Text c="dimmed" fz="sm">
            {t('missed.empty')}
          </Text>
        ) : (
          <Table fz="sm" data-testid="review-missed">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('missed.at')}</Table.Th>
                <Table.Th>{t('missed.alert')}</Table.Th>
                <Table.Th>{t('missed.layer')}</Table.Th>
                <Table.Th>{t('missed.team')}</Table.Th>
                <Table.Th>{t('missed.expected')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {review.missedAlerts
                .filter((m) => inStage(m.phase))
                .map((m) => {
                  const href = alertLink(m.ref);
                  return (
                    <Table.Tr key={m.alertId}>
                      <Table.Td ff="monospace">{clock(m.deliveredMs)}</Table.Td>
                      <Table.Td>
                        {href ? (
                          <Anchor component={Link} to={href} fz="sm">
                            {m.title[lang]}
                          </Anchor>
                        ) : (
                          m.title[lang]
                        )}
                      </Table.Td>
                      <Table.Td>{m.layer}</Table.Td>
                      <Table.Td>{m.teamVerdict ? names.verdict(m.teamVerdict) : t('timeline.noVerdict')}</Table.Td>
                      <Table.Td>
                        {names.verdict(m.expected.verdict)} · {names.severity(m.expected.severity)}
                        {m.expected.routing.length > 0 && ` → ${names.parties(m.expected.routing)}`}
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
            </Table.Tbody>
          </Table>
        )}
      </Paper>

      <Paper withBorder p="sm">
        <Title order={2} fz="md" mb="xs">
          {t('reports.title')}
        </Title>
        <Table fz="sm" data-testid="review-reports">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('reports.kind')}</Table.Th>
              <Table.Th>{t('reports.to')}</Table.Th>
              <Table.Th>{t('reports.due')}</Table.Th>
              <Table.Th>{t('reports.filed')}</Table.Th>
              <Table.Th>{t('reports.status')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {review.reports.map((r) => {
              const o = review.ideal.reports.find((x) => x.id === r.obligationId);
              const color = r.status === 'on-time' ? 'teal' : r.status === 'not-applicable' ? 'gray' : r.status === 'late' ? 'orange' : 'red';
              return (
                <Table.Tr key={r.obligationId}>
                  <Table.Td>{names.reportKind(r.kind)}</Table.Td>
                  <Table.Td>{names.parties(o?.recipients ?? [])}</Table.Td>
                  <Table.Td ff="monospace">{r.dueMs === null ? '—' : clock(r.dueMs)}</Table.Td>
                  <Table.Td ff="monospace">{r.filedMs === null ? '—' : clock(r.filedMs)}</Table.Td>
                  <Table.Td>
                    <Badge color={color} variant="light">
                      {t(`reports.statuses.${r.status}`)}
                    </Badge>
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
        {review.reportGrades.length > 0 && (
          <>
            <Title order={3} fz="sm" mt="sm" mb={4}>
              {tt('grading.title2')}
            </Title>
            <Table fz="sm" data-testid="review-report-grades">
              <Table.Tbody>
                {review.reportGrades.map((g) => (
                  <Table.Tr key={g.reportId} data-report={g.reportId}>
                    <Table.Td ff="monospace" w={90}>
                      {g.reportId}
                    </Table.Td>
                    <Table.Td>
                      <ReportGradeBadge grade={g} />
                    </Table.Td>
                    <Table.Td fz="xs" c="dimmed">
                      {g.byUsername}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </>
        )}
      </Paper>

      <Paper withBorder p="sm" data-testid="review-ideal">
        <Title order={2} fz="md" mb="xs">
          {t('ideal.title')}
        </Title>
        <Title order={3} fz="sm" mb={4}>
          {t('ideal.responses')}
        </Title>
        <Table fz="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('ideal.what')}</Table.Th>
              <Table.Th>{t('ideal.window')}</Table.Th>
              <Table.Th>{t('ideal.taken')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {review.ideal.responses
              .filter((r) => inStage(review.labels.responses[r.id]?.phase ?? null) || stage === null)
              .map((r) => (
                <Table.Tr key={r.id}>
                  <Table.Td>
                    <Text fz="sm" fw={500}>
                      {names.response(r.action, r.target)}{' '}
                      <Text span fz="xs" c="dimmed">
                        ({t(r.required ? 'ideal.required' : 'ideal.optional')})
                      </Text>
                    </Text>
                    <Text fz="xs" c="dimmed">
                      {r.description[lang]}
                    </Text>
                  </Table.Td>
                  <Table.Td ff="monospace">
                    {r.windowStartMs === null ? '—' : `${clock(r.windowStartMs)} – ${r.deadlineMs === null ? '' : clock(r.deadlineMs)}`}
                  </Table.Td>
                  <Table.Td>
                    {r.takenMs === null ? t('ideal.notTaken') : clock(r.takenMs)}{' '}
                    <Badge
                      size="sm"
                      variant="light"
                      color={
                        r.status === 'earned' || r.status === 'bonus'
                          ? 'teal'
                          : r.status === 'not-applicable'
                            ? 'gray'
                            : r.status === 'late' || r.status === 'partial'
                              ? 'orange'
                              : 'red'
                      }
                    >
                      {t(`ideal.statuses.${r.status}`, { defaultValue: t('ideal.statuses.missed') })}
                    </Badge>
                  </Table.Td>
                </Table.Tr>
              ))}
          </Table.Tbody>
        </Table>
        {review.ideal.reports.length > 0 && (
          <>
            <Title order={3} fz="sm" mt="sm" mb={4}>
              {t('reports.title')}
            </Title>
            <Stack gap={4}>
              {review.ideal.reports.map((o) => (
                <Text fz="sm" key={o.id}>
                  <b>{names.reportKind(o.kind)}</b> → {names.parties(o.recipients)}
                  {o.dueMs !== null ? ` · ${t('reports.due')} ${clock(o.dueMs)}` : ''}
                  {o.requiredContent.length > 0 && (
                    <>
                      {' '}
                      · {t('reports.content')}: {o.requiredContent.map((c) => t(`content.${c}`, { defaultValue: c })).join(', ')}
                    </>
                  )}
                  <Text span fz="xs" c="dimmed" display="block">
                    {t('reports.legal')}: {o.legalBasis[lang]}
                  </Text>
                </Text>
              ))}
            </Stack>
          </>
        )}
        {review.ideal.harmful.length > 0 && (
          <>
            <Title order={3} fz="sm" mt="sm" mb={4}>
              {t('ideal.harmful')}
            </Title>
            <Stack gap={4}>
              {review.ideal.harmful.map((h) => (
                <Text fz="sm" key={h.id}>
                  <b>{names.response(h.action, h.target)}</b> — {h.reason[lang]}{' '}
                  <Badge size="sm" variant="light" color={h.takenMs === null ? 'teal' : 'red'}>
                    {h.takenMs === null ? t('ideal.avoided') : clock(h.takenMs)}
                  </Badge>
                </Text>
              ))}
            </Stack>
          </>
        )}
      </Paper>

      <Paper withBorder p="sm">
        <Group justify="space-between" mb="xs">
          <Title order={2} fz="md">
            {t('timeline.title')}
          </Title>
          <Checkbox
            size="xs"
            className="debrief-no-print"
            label={t('timeline.showNoise')}
            checked={showNoise}
            onChange={(e) => setShowNoise(e.currentTarget.checked)}
            data-testid="review-show-noise"
          />
        </Group>
        <Table fz="sm" data-testid="review-timeline" verticalSpacing={2}>
          <Table.Tbody>
            {review.timeline
              .filter((e) => inStage(phaseOfEntry(e)) && (showNoise || e.kind !== 'alert' || e.truePositive === true))
              .map((e, i) => {
                const key = `${e.kind}:${e.id}:${i}`;
                const time = (
                  <Table.Td ff="monospace" w={100}>
                    {clock(e.atMs)}
                  </Table.Td>
                );
                switch (e.kind) {
                  case 'stage':
                    return (
                      <Table.Tr key={key} bg="var(--mantine-color-blue-light)">
                        {time}
                        <Table.Td colSpan={2} fw={700}>
                          {t('timeline.stage', { name: names.phase(e.id) || e.label[lang] })}
                        </Table.Td>
                      </Table.Tr>
                    );
                  case 'alert': {
                    const href = alertLink(e.ref);
                    const title = review.labels.alerts[e.id]?.title[lang] ?? e.label[lang];
                    return (
                      <Table.Tr key={key} id={e.ref ? `alert-${e.ref}` : undefined}>
                        {time}
                        <Table.Td w={170}>
                          <Badge size="sm" variant="light" color={e.truePositive ? 'red' : 'gray'}>
                            {t(e.truePositive ? 'timeline.tp' : 'timeline.noise')}
                          </Badge>
                        </Table.Td>
                        <Table.Td>
                          {href && linkToConsole ? (
                            <Anchor component={Link} to={href} fz="sm">
                              {title}
                            </Anchor>
                          ) : (
                            title
                          )}
                          <Text span fz="xs" c="dimmed">
                            {' '}
                            · {e.verdict ? names.verdict(e.verdict) : t('timeline.noVerdict')}
                          </Text>
                        </Table.Td>
                      </Table.Tr>
                    );
                  }
                  case 'action':
                    return (
                      <Table.Tr key={key}>
                        {time}
                        <Table.Td w={170}>
                          <Text fz="xs" c="dimmed">
                            {e.userId ? (members.get(e.userId) ?? '') : ''}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          {e.action
                            ? describeAction(
                                tt,
                                e.action,
                                (id) => names.alert(id),
                                (id) => names.party(id),
                              )
                            : ''}
                        </Table.Td>
                      </Table.Tr>
                    );
                  case 'deadline':
                    return (
                      <Table.Tr key={key}>
                        {time}
                        <Table.Td w={170}>
                          <Badge size="sm" variant="outline" color="orange">
                            {t('reports.due')}
                          </Badge>
                        </Table.Td>
                        <Table.Td>{t('timeline.deadline', { what: deadlineLabel(e.id) })}</Table.Td>
                      </Table.Tr>
                    );
                }
              })}
          </Table.Tbody>
        </Table>
      </Paper>

      {(review.channel ?? []).length > 0 && (
        <Paper withBorder p="sm">
          <Title order={2} fz="md" mb="xs">
            {t('channel.title')}
          </Title>
          <Table fz="sm" data-testid="review-channel" verticalSpacing={2}>
            <Table.Tbody>
              {(review.channel ?? []).map((m, i) => (
                <Table.Tr key={i}>
                  <Table.Td ff="monospace" w={70}>
                    {clock(m.atMs)}
                  </Table.Td>
                  <Table.Td w={140}>{members.get(m.userId) ?? m.username}</Table.Td>
                  <Table.Td style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
                    {m.handover && (
                      <Badge size="xs" color="yellow" mr={6}>
                        {t('channel.handover')}
                      </Badge>
                    )}
                    {m.text}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Paper>
      )}
    </>
  );
}
