/**
 * The offline part's own messages (docs/widget.md "Messages"): they are shown
 * only once the part is loaded, so widget.js does not carry them (its size
 * budget). `init` adds them to the widget's defaults; a host's `messages`
 * still override them.
 */
export const OFFLINE_MESSAGES = {
  stored:
    'Approved and stored on this device. Not verified yet: it is sent to the approval service when you are back online.',
  sending: 'Sending the stored approval to the approval service…',
  verified: 'Verified by the approval service. The action can go ahead.',
  no_grant: 'No offline approvals are left on this device. Connect to the network to get new ones.',
  bundle_invalid: 'The offline approval data on this device cannot be read.',
};
