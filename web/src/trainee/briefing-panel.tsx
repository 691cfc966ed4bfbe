import { Badge, Grid, List, Paper, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { pick } from '../lib/format.js';
import { useConsole } from './console-context.js';
import { partyName } from './console-model.js';

/** What the organisers tell the team: their briefing, the target, the parties and the assets; never the instructor's notes. */
export function BriefingPanel() {
  const { t } = useTranslation();
  const { briefing, parties, exercise } = useConsole();
  if (!briefing) return <Text c="dimmed">{t('common.loading')}</Text>;
  const organisers = briefing.briefing;
  const nameOf = (partyId: string) => {
    const party = parties.find((p) => p.id === partyId);
    return party ? partyName(party, exercise.era) : partyId;
  };
  return (
    <Grid>
      <Grid.Col span={{ base: 12, md: 6 }}>
        <Paper withBorder p="sm" mb="sm" data-testid="briefing-organisers">
          <Title order={2} fz="md">
            {pick(briefing.title)}
          </Title>
          <Text fz="sm" mt="xs">
            {t('briefing.target')}: <b>{pick(briefing.target.name)}</b> · {t('briefing.securityLevel', { n: briefing.target.securityLevel })} ·{' '}
            {t(`eras.${exercise.era}`)}
          </Text>
          {organisers ? (
            <>
              <Title order={3} fz="sm" mt="sm">
                {t('briefing.situation')}
              </Title>
              <Text fz="sm" style={{ whiteSpace: 'pre-wrap' }}>
                {pick(organisers.situation)}
              </Text>
              <Title order={3} fz="sm" mt="sm">
                {t('briefing.role')}
              </Title>
              <Text fz="sm" style={{ whiteSpace: 'pre-wrap' }}>
                {pick(organisers.role)}
              </Text>
              <Title order={3} fz="sm" mt="sm">
                {t('briefing.rules')}
              </Title>
              <List fz="sm" type="ordered" spacing={2}>
                {organisers.rulesOfEngagement.map((rule, i) => (
                  <List.Item key={i}>{pick(rule)}</List.Item>
                ))}
              </List>
              <Title order={3} fz="sm" mt="sm">
                {t('briefing.channels')}
              </Title>
              <Table fz="xs">
                <Table.Tbody>
                  {organisers.reportingChannels.map((channel, i) => (
                    <Table.Tr key={i}>
                      <Table.Td w="35%">
                        <b>{pick(channel.name)}</b>
                      </Table.Td>
                      <Table.Td>{pick(channel.use)}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </>
          ) : (
            <Text fz="sm" mt="xs" c="dimmed">
              {t('briefing.none')}
            </Text>
          )}
        </Paper>
        {organisers && organisers.contacts.length > 0 ? (
          <Paper withBorder p="sm" mb="sm">
            <Title order={3} fz="sm" mb="xs">
              {t('briefing.contacts')}
            </Title>
            <Table fz="xs">
              <Table.Tbody>
                {organisers.contacts.map((contact) => (
                  <Table.Tr key={contact.party}>
                    <Table.Td w="40%">{nameOf(contact.party)}</Table.Td>
                    <Table.Td>{pick(contact.role)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Paper>
        ) : null}
        <Paper withBorder p="sm">
          <Title order={3} fz="sm" mb="xs">
            {t('briefing.parties')}
          </Title>
          <Table fz="xs">
            <Table.Tbody>
              {parties.map((p) => (
                <Table.Tr key={p.id}>
                  <Table.Td w={70}>{p.layer ? <Badge size="xs">{t('layer.short', { n: p.layer })}</Badge> : null}</Table.Td>
                  <Table.Td>
                    {partyName(p, exercise.era)}
                    <Text fz="xs" c="dimmed">
                      {pick(p.description)}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Paper>
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 6 }}>
        <Paper withBorder p="sm">
          <Title order={3} fz="sm" mb="xs">
            {t('briefing.assets')}
          </Title>
          <Table fz="xs">
            <Table.Tbody>
              {briefing.assets.map((a) => (
                <Table.Tr key={a.id}>
                  <Table.Td ff="monospace">{a.id}</Table.Td>
                  <Table.Td>
                    {pick(a.name)}
                    <Text fz="xs" c="dimmed">
                      {a.hostname} {a.addresses.join(', ')}
                    </Text>
                  </Table.Td>
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
