import { Kbd, Modal, Table } from '@mantine/core';
import { useTranslation } from 'react-i18next';

export function ShortcutHelp({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const rows: Array<[string, string]> = [
    ['j', t('help.next')],
    ['k', t('help.prev')],
    ['1 – 4', t('help.verdicts')],
    ['r', t('help.reason')],
    ['Ctrl + Enter', t('help.submit')],
    ['Shift + 1 – 4', t('help.severity')],
    ['a', t('help.ack')],
    ['?', t('help.help')],
  ];
  return (
    <Modal opened={opened} onClose={onClose} title={t('help.title')} size="lg" data-testid="shortcut-help">
      <Table>
        <Table.Tbody>
          {rows.map(([key, label]) => (
            <Table.Tr key={key}>
              <Table.Td w={150}>
                <Kbd>{key}</Kbd>
              </Table.Td>
              <Table.Td>{label}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Modal>
  );
}
