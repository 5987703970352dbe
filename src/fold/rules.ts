/**
 * The version of the rules this hypergas merges and folds with (SPEC §4, §5). Two nodes of one
 * group compute the same state from the same blocks only when their rules are the same: a node
 * of an older hypergas may refuse an act a newer one accepts (a ceiling it does not know of, an
 * act type it cannot read), and from then on their balances differ with no fork to show for it.
 * Nodes therefore say their version to every peer (src/node/network/rules.ts) and `status` names
 * a peer whose version differs.
 *
 * Bumped with every change to what the fold or the merge computes from the same blocks, as the
 * checkpoint's CHECKPOINT_VERSION is (src/node/storage/checkpoint-header.ts, whose comment lists
 * what each version changed); it started at that version's number, 15.
 */
export const RULES_VERSION = 16
