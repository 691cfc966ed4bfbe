import { Badge, Grid, Paper, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { pick } from '../lib/format.js';
import { useConsole } from './console-context.js';
import { partyName } from './console-model.js';

export function BriefingPanel() {
  const { t } = useTranslation();
  const { briefing, parties, exercise } = useConsole();
  if (!briefing) return <Text c="dimmed">{t('common.loading')}</Text>;
  return (
    <Grid>
      <Grid.Col span={{ base: 12, md: 6 }}>
        <Paper withBorder p="sm" mb="sm">
          <Title order={2} fz="md">{pick(briefing.title)}</Title>
          <Text fz="sm" mt="xs" style={{ whiteSpace: 'pre-wrap' }}>{pick(briefing.description)}</Text>
          <Text fz="sm" mt="xs">
            {t('briefing.target')}: <b>{pick(briefing.target.name)}</b> · {t('briefing.securityLevel', { n: briefing.target.securityLevel })} · {t(`eras.${exercise.era}`)}
          </Text>
        </Paper>
        <Paper withBorder p="sm">
          <Title order={3} fz="sm" mb="xs">{t('briefing.parties')}</Title>
          <Table fz="xs">
            <Table.Tbody>
              {parties.map((p) => (
                <Table.Tr key={p.id}>
                  <Table.Td w={70}>{p.layer ? <Badge size="xs">{t('layer.short', { n: p.layer })}</Badge> : null}</Table.Td>
                  <Table.Td>{partyName(p, exercise.era)}<Text fz="xs" c="dimmed">{pick(p.description)}</Text></Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Paper>
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 6 }}>
        <Paper withBorder p="sm">
          <Title order={3} fz="sm" mb="xs">{t('briefing.assets')}</Title>
          <Table fz="xs">
            <Table.Tbody>
              {briefing.assets.map((a) => (
                <Table.Tr key={a.id}>
                  <Table.Td ff="monospace">{a.id}</Table.Td>
                  <Table.Td>{pick(a.name)}<Text fz="xs" c="dimmed">{a.hostname} {a.addresses.join(', ')}</Text></Table.Td>
                  <Table.Td>{a.securityLevel ? t('briefing.securityLevel', { n: a.securityLevel }) : ''}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Paper>
      </Grid.Col>
    </Grid>
  );
}
