/**
 * The page's messages in Italian and English (issue 4), as i18next resources. Keys are the
 * same in both; amounts are not here (src/money.ts euroText writes them, as for the CLI).
 */
export const resources = {
  it: {
    translation: {
      member: 'Socio', admin: 'Amministrazione', language: 'Lingua',
      whoAreYou: 'Chi sei?', choose: '— scegli —', loadKey: 'Carica la tua chiave (per impegnarti dal telefono)',
      keyHelp: 'Incolla il file della chiave (hypergas keygen) o i 64 caratteri del "seed". Resta in questo browser.',
      keyLoaded: 'Chiave caricata: {{name}}', keyWrong: 'Questa chiave non è di un socio del gruppo', forgetKey: 'Dimentica la chiave',
      credit: 'Credito', confirmed: 'confermato', pending: 'in attesa', withPending: '{{amount}} con le operazioni in attesa',
      statement: 'Estratto conto', date: 'Data', movement: 'Movimento', amount: 'Importo', balance: 'Saldo', state: 'Stato',
      downloadCsv: 'Scarica CSV', openPurchases: 'Acquisti aperti', noOpen: 'Nessun acquisto aperto',
      supplier: 'Fornitore', committed: 'Impegnato', yourCommitment: 'Il tuo impegno', commit: 'Impegnati', commitAmount: 'Importo (€)',
      needKey: 'Per impegnarti carica la tua chiave', needKeyPay: 'Per pagare o chiedere carica la tua chiave', nothingToBook: 'Scrivi almeno una quantità', overCredit: 'Hai {{credit}} di credito (con lo scoperto concesso): il trasferimento sarebbe rifiutato',
      error: 'Errore: {{message}}', offlineEvents: 'Aggiornamenti in tempo reale non disponibili',
      membersTitle: 'Soci e crediti', confirmedCredit: 'Credito confermato', limits: 'Limiti', overdraftOf: 'scoperto {{amount}}', ceilingOf: 'tetto {{amount}}', membersTotal: '{{count}} soci, totale',
      me: 'Questo nodo', cash: 'Cassa per amministratore', cashNow: 'Cassa', confirmedCash: 'Cassa confermata', roles: 'Ruoli',
      deposit: 'Versamento', doDeposit: 'Versamento', doWithdraw: 'Prelievo', cashDesk: 'Cassa', doSettle: 'Ricevuta cassa da', newPurchase: 'Nuovo acquisto', purchaseName: 'Nome', doOpen: 'Apri', newMember: 'Nuovo socio', memberName: 'Nome', memberKey: 'Chiave pubblica (64 caratteri)', doRegister: 'Vota iscrizione', rolesTitle: 'Ruoli e soci', doElect: 'Vota nomina', doRevoke: 'Vota revoca', doRemoveMember: 'Vota cancellazione socio', adjust: 'Rettifica', pendingCommitments: 'Impegni da decidere', approve: 'Approva', reject: 'Rifiuta',
      votes: 'Votazioni aperte', voteClose: 'Vota chiusura', voteFail: 'Vota annullamento', close: 'Chiudi', fail: 'Annulla',
      closeVotes: 'chiusura {{n}}/{{q}}', failVotes: 'annullamento {{n}}/{{q}}', noneToDecide: 'Niente da decidere',
      adminOnly: 'Per agire da amministratore apri il link che stampa "hypergas login" (vale una volta).',
      loginHelp: 'Per vedere il tuo credito apri il link personale che ti ha dato un amministratore, oppure carica la tua chiave qui sotto.',
      membersOnly: 'Questo gruppo mostra acquisti e ricerca solo ai soci: accedi con il tuo link personale o con la tua chiave.',
      e_NEEDS_MEMBERS: 'Con due amministratori nessuno dei due può togliere all\'altro l\'ultimo ruolo (ognuno da solo è un quorum). Può lasciarlo lui stesso; se non tornerà mai, lo revocano i soci, ognuno dal proprio telefono.',
      loggedInAs: 'Sei {{name}}.', logout: 'Esci',
      product: 'Prodotto', price: 'Prezzo', yourBooking: 'La tua prenotazione', delivered: 'Consegnato', deliveredAmount: 'Importo consegnato', costs: 'costi', book: 'Prenota', package: 'confezione da', bookingsClosed: 'Prenotazioni chiuse', commitsClosed: 'Impegni chiusi',
      notices: 'Avvisi', n_open: 'Acquisto aperto: {{purchase}}, prenota', n_open_free: 'Acquisto aperto: {{purchase}}, impegna un importo', n_closing: 'Le prenotazioni di {{purchase}} chiudono il {{when}}', n_approved: 'La tua prenotazione di {{purchase}} è approvata', n_approved_free: 'Il tuo impegno su {{purchase}} è approvato', n_rejected_free: 'Il tuo impegno su {{purchase}} è stato rifiutato (rimborsato)', n_rejected: 'La tua prenotazione di {{purchase}} è stata rifiutata (rimborsata)', n_delivered: 'Consegna di {{purchase}}: prenotato {{booked}}, consegnato {{delivered}}', n_toAccept_pay: '{{other}} ti chiede {{amount}}: accetta o rifiuta qui sotto', n_toAccept_get: '{{other}} ti manda {{amount}}: accetta o rifiuta qui sotto', n_awaiting_pay: 'Il tuo trasferimento di {{amount}} {{other, a}} aspetta che lo accetti', n_awaiting_get: 'La tua richiesta di {{amount}} {{other, a}} aspetta che la accetti', n_lowCredit: 'Credito basso ({{credit}}) con acquisti aperti: fai un versamento', n_toDecide: '{{purchase}}: {{count}} impegni da decidere', n_refusedInOrder: 'Un tuo atto del {{when}} è stato rifiutato nell\'ordine del gruppo ({{code}}): un atto di un altro amministratore è venuto prima', n_refusedInOrder_withdraw: 'Un tuo prelievo del {{when}} è stato rifiutato nell\'ordine del gruppo ({{code}}): un atto di un altro amministratore è venuto prima. Se hai già dato il contante, non è nei conti: fattelo restituire', n_toDeliver: '{{purchase}}: {{count}} consegne da registrare', n_notCounted: 'Un tuo atto del {{when}} non è nei conti ({{code}}): il blocco di questo nodo non è stato usato. Se erano contanti, sono ancora nelle tue mani: dalli a un amministratore',
      closesAt: 'Prenotazioni fino al {{when}} ({{left}})', deliveryAt: 'Consegna il {{when}}', passed: 'scaduto',
      runningTotal: 'Totale {{total}} · credito dopo {{left}}',
      searchTitle: 'Cerca', searchPlaceholder: 'fornitori, prodotti, offerte…', searchGo: 'Cerca', matchesTitle: 'Per te', nothingFound: 'Nessun risultato', youWant: 'Cerchi «{{what}}»:', youOffer: 'Offri «{{what}}»:', hit_supplier: 'fornitore', hit_product: 'prodotto', 'hit_past-product': 'prodotto di un acquisto passato', hit_offer: 'offre', hit_want: 'cerca',
      pendingTransfers: 'Trasferimenti in attesa', sendTitle: 'Paga un socio, o chiedigli di pagarti', payeeName: 'Nome del socio', memo: 'Causale', pay: 'Paga', ask: 'Chiedi', transferTo: '{{amount}} {{name, a}}', transferFrom: '{{amount}} da {{name}}', accept: 'Accetta', withdraw: 'Ritira', refuse: 'Rifiuta',
      orders: 'Ordini per prodotto', pickupList: 'Lista di ritiro', print: 'Stampa', total: 'Totale', importList: 'Carica il listino (GDXP o CSV)', bookingsOpenNote: 'prenotazioni aperte', orderForSupplier: 'Ordine per il fornitore', booked: 'Prenotato', closeBookings: 'Chiudi le prenotazioni', deliveries: 'Consegne', deliver: 'Registra la consegna', costLabel: 'Voce (es. Trasporto)', splitAmount: 'in proporzione', splitEqual: 'in parti uguali', discount: 'sconto', addCost: 'Ripartisci', cost: 'Costo', imported: 'Importati {{count}} prodotti ({{skipped}} lasciati fuori)', imported_one: 'Importato 1 prodotto ({{skipped}} lasciati fuori)',
      switchLogin: 'Questo link apre un altro accesso al posto di quello attuale. Continuare?',
      waitingFor: 'Conferma in attesa di: {{names}}', allConfirmed: 'Tutto confermato',
      recoverVote: 'Voto per revocare {{name}}',
      notStarted: 'La conferma aspetta il nodo di {{name}}, che non ha ancora scritto: {{name}} entra con l\'invito (hypergas join) e lo avvia (hypergas start).',
      recoveryImpossible: 'Anche se votassero tutti i soci non basterebbe: possono contare {{eligible}} soci e servono {{needed}} voti (i soci registrati dopo l\'ultimo blocco di {{name}} non possono votarne la revoca). Ripristina il backup di {{name}} su un altro computer, o aspetta {{name}}.',
      recoveryHint: 'Le conferme sono ferme: aspettano {{name}}, che gli amministratori da soli non possono revocare. Se {{name}} non tornerà mai, ogni socio vota la revoca al banco di un amministratore (hypergas recover {{arg}}): voti {{votes}} su {{needed}}.',
      recoveryHintForked: 'Le conferme sono ferme: aspettano {{name}}, il cui registro si è biforcato (la sua identità ha scritto da due dispositivi): i nodi di {{name}} non scrivono più. Ogni socio vota la revoca al banco di un amministratore (hypergas recover {{arg}}): voti {{votes}} su {{needed}}.',
      kind_deposit: 'versamento', kind_withdraw: 'prelievo', kind_commit: 'impegno', kind_booking: 'prenotazione', kind_delivery: 'consegna', kind_cost: 'costo ripartito', kind_discount: 'sconto ripartito', 'kind_transfer-in': 'trasferimento da', 'kind_settle-in': 'cassa ricevuta', 'kind_settle-out': 'cassa passata', 'kind_supplier-payment': 'pagamento al fornitore', reportTitle: 'Rendiconto', rFrom: 'dal', rTo: 'al', rShow: 'Mostra', rUpTo: 'Solo atti confermati: i primi {{count}}, fino al {{when}}', rDeposits: 'Versamenti', rWithdrawals: 'Prelievi', rSupplierPayments: 'Pagamenti ai fornitori', rSettlements: 'Cassa passata tra amministratori', rTransfers: 'Trasferimenti tra soci', rCosts: 'Costi ripartiti', rStart: 'inizio', rEnd: 'fine', rCredits: 'Crediti dei soci', rGroupCash: 'Cassa del gruppo', rHolds: 'Crediti + impegni aperti = cassa: i conti tornano', rBroken: 'I conti NON tornano: crediti + impegni aperti ≠ cassa', rMovements: 'Movimenti di cassa ({{count}})', rIncome: 'Entrate', rOutgoing: 'Uscite', rMonth: 'Mese', noChart: 'Il grafico non si può disegnare in questo browser', 'kind_transfer-out': 'trasferimento a', kind_adjust: 'rettifica', 'kind_refund-rejected': 'rimborso (rifiutato)', 'kind_refund-failed': 'rimborso (annullato)',
      status_pending: 'da approvare', status_approved: 'approvato', bstatus_pending: 'da approvare', bstatus_approved: 'approvata', bstatus_rejected: 'rifiutata', status_rejected: 'rifiutato',
      yourOrders: 'I tuoi ordini passati', purchase: 'Acquisto', phase_closed: 'chiuso', phase_failed: 'annullato (rimborsato)'
    }
  },
  en: {
    translation: {
      member: 'Member', admin: 'Admin', language: 'Language',
      whoAreYou: 'Who are you?', choose: '— choose —', loadKey: 'Load your key (to commit from your phone)',
      keyHelp: 'Paste your key file (hypergas keygen) or the 64-character "seed". It stays in this browser.',
      keyLoaded: 'Key loaded: {{name}}', keyWrong: 'This key is not a member of the group', forgetKey: 'Forget the key',
      credit: 'Credit', confirmed: 'confirmed', pending: 'pending', withPending: '{{amount}} with pending acts',
      statement: 'Statement', date: 'Date', movement: 'Movement', amount: 'Amount', balance: 'Balance', state: 'State',
      downloadCsv: 'Download CSV', openPurchases: 'Open purchases', noOpen: 'No open purchase',
      supplier: 'Supplier', committed: 'Committed', yourCommitment: 'Your commitment', commit: 'Commit', commitAmount: 'Amount (€)',
      needKey: 'Load your key to commit', needKeyPay: 'Load your key to pay or ask', nothingToBook: 'Type at least one quantity', overCredit: 'You have {{credit}} of credit (with the overdraft granted): the transfer would be refused',
      error: 'Error: {{message}}', offlineEvents: 'Live updates unavailable',
      membersTitle: 'Members and credits', confirmedCredit: 'Confirmed credit', limits: 'Limits', overdraftOf: 'overdraft {{amount}}', ceilingOf: 'ceiling {{amount}}', membersTotal: '{{count}} members, total',
      me: 'This node', cash: 'Cash held by each admin', cashNow: 'Cash', confirmedCash: 'Confirmed cash', roles: 'Roles',
      deposit: 'Deposit', doDeposit: 'Deposit', doWithdraw: 'Withdraw', cashDesk: 'Cash desk', doSettle: 'Cash received from', newPurchase: 'New purchase', purchaseName: 'Name', doOpen: 'Open', newMember: 'New member', memberName: 'Name', memberKey: 'Public key (64 characters)', doRegister: 'Vote to register', rolesTitle: 'Roles and members', doElect: 'Vote to elect', doRevoke: 'Vote to revoke', doRemoveMember: 'Vote to remove member', adjust: 'Adjust', pendingCommitments: 'Commitments to decide', approve: 'Approve', reject: 'Reject',
      votes: 'Open votes', voteClose: 'Vote close', voteFail: 'Vote fail', close: 'Close', fail: 'Fail',
      closeVotes: 'close {{n}}/{{q}}', failVotes: 'fail {{n}}/{{q}}', noneToDecide: 'Nothing to decide',
      adminOnly: 'To act as an admin, open the link "hypergas login" prints (it works once).',
      loginHelp: 'To see your credit, open the personal link an admin gave you, or load your key below.',
      membersOnly: 'This group shows its purchases and its search to members only: log in with your personal link or your key.',
      e_NEEDS_MEMBERS: 'With two admins neither may take the other\'s last role (each alone is a quorum). They may step down themselves; if they will never come back, the members revoke them, each from their own phone.',
      loggedInAs: 'You are {{name}}.', logout: 'Log out',
      product: 'Product', price: 'Price', yourBooking: 'Your booking', delivered: 'Delivered', deliveredAmount: 'Amount delivered', costs: 'costs', book: 'Book', package: 'package of', bookingsClosed: 'Bookings closed', commitsClosed: 'Commitments closed',
      notices: 'Notices', n_open: 'Purchase open: {{purchase}}, book', n_open_free: 'Purchase open: {{purchase}}, commit an amount', n_closing: 'The bookings of {{purchase}} close on {{when}}', n_approved: 'Your booking of {{purchase}} is approved', n_approved_free: 'Your commitment to {{purchase}} is approved', n_rejected_free: 'Your commitment to {{purchase}} was rejected (refunded)', n_rejected: 'Your booking of {{purchase}} was rejected (refunded)', n_delivered: 'Delivery of {{purchase}}: booked {{booked}}, delivered {{delivered}}', n_toAccept_pay: '{{other}} asks you for {{amount}}: accept or refuse below', n_toAccept_get: '{{other}} sends you {{amount}}: accept or refuse below', n_awaiting_pay: 'Your transfer of {{amount}} to {{other}} waits for them to accept', n_awaiting_get: 'Your request of {{amount}} from {{other}} waits for them to accept', n_lowCredit: 'Low credit ({{credit}}) with purchases open: make a deposit', n_toDecide: '{{purchase}}: {{count}} commitments to decide', n_refusedInOrder: 'An act of yours of {{when}} was refused in the group\'s order ({{code}}): another admin\'s act came first', n_refusedInOrder_withdraw: 'A withdrawal of yours of {{when}} was refused in the group\'s order ({{code}}): another admin\'s act came first. If you handed over the cash, it is not in the books: ask for it back', n_toDeliver: '{{purchase}}: {{count}} deliveries to record', n_notCounted: 'An act of yours of {{when}} is not in the books ({{code}}): this node\'s block was not used. If it was cash, it is still in your hands: give it to an admin',
      closesAt: 'Bookings until {{when}} ({{left}})', deliveryAt: 'Delivery on {{when}}', passed: 'past',
      runningTotal: 'Total {{total}} · credit after {{left}}',
      searchTitle: 'Search', searchPlaceholder: 'suppliers, products, offers…', searchGo: 'Search', matchesTitle: 'For you', nothingFound: 'Nothing found', youWant: 'You want “{{what}}”:', youOffer: 'You offer “{{what}}”:', hit_supplier: 'supplier', hit_product: 'product', 'hit_past-product': 'product of a past purchase', hit_offer: 'offers', hit_want: 'wants',
      pendingTransfers: 'Pending transfers', sendTitle: 'Pay a member, or ask them to pay you', payeeName: 'Member\'s name', memo: 'What for', pay: 'Pay', ask: 'Ask', transferTo: '{{amount}} to {{name}}', transferFrom: '{{amount}} from {{name}}', accept: 'Accept', withdraw: 'Withdraw', refuse: 'Refuse',
      orders: 'Orders by product', pickupList: 'Pick-up list', print: 'Print', total: 'Total', importList: 'Load the price list (GDXP or CSV)', bookingsOpenNote: 'bookings open', orderForSupplier: 'Order for the supplier', booked: 'Booked', closeBookings: 'Close the bookings', deliveries: 'Deliveries', deliver: 'Record the delivery', costLabel: 'What (e.g. Transport)', splitAmount: 'by amount', splitEqual: 'equally', discount: 'discount', addCost: 'Share', cost: 'Cost', imported: 'Imported {{count}} products ({{skipped}} left out)', imported_one: 'Imported 1 product ({{skipped}} left out)',
      switchLogin: 'This link opens another login in place of the current one. Go on?',
      waitingFor: 'Confirmation waits for: {{names}}', allConfirmed: 'Everything confirmed',
      recoverVote: 'I vote to revoke {{name}}',
      notStarted: 'Confirmation waits for the node of {{name}}, which has not written yet: {{name}} joins with the invite (hypergas join) and starts it (hypergas start).',
      recoveryImpossible: 'Even if every member voted, this cannot pass: {{eligible}} members can count and {{needed}} votes are needed (members registered after {{name}}\'s node last wrote cannot vote {{name}} out). Restore {{name}}\'s backup on another computer, or wait for {{name}}.',
      recoveryHint: 'Confirmation is stuck: it waits for {{name}}, whom the admins alone cannot revoke. If {{name}} will never come back, each member votes to revoke them at an admin\'s counter (hypergas recover {{arg}}): {{votes}} of {{needed}} votes.',
      recoveryHintForked: 'Confirmation is stuck: it waits for {{name}}, whose feed forked (the identity wrote on two devices): {{name}}\'s nodes write no more. Each member votes to revoke them at an admin\'s counter (hypergas recover {{arg}}): {{votes}} of {{needed}} votes.',
      kind_deposit: 'deposit', kind_withdraw: 'withdrawal', kind_commit: 'commitment', kind_booking: 'booking', kind_delivery: 'delivery', kind_cost: 'shared cost', kind_discount: 'shared discount', 'kind_transfer-in': 'transfer from', 'kind_settle-in': 'cash received', 'kind_settle-out': 'cash handed over', 'kind_supplier-payment': 'supplier payment', reportTitle: 'The year\'s accounts', rFrom: 'from', rTo: 'to', rShow: 'Show', rUpTo: 'Confirmed acts only: the first {{count}}, up to {{when}}', rDeposits: 'Deposits', rWithdrawals: 'Withdrawals', rSupplierPayments: 'Supplier payments', rSettlements: 'Cash passed between admins', rTransfers: 'Transfers between members', rCosts: 'Shared costs', rStart: 'start', rEnd: 'end', rCredits: 'Members\' credits', rGroupCash: 'Group cash', rHolds: 'Credits + open commitments = cash: the accounts balance', rBroken: 'The accounts do NOT balance: credits + open commitments ≠ cash', rMovements: 'Cash movements ({{count}})', rIncome: 'Income', rOutgoing: 'Outgoing', rMonth: 'Month', noChart: 'This browser cannot draw the chart', 'kind_transfer-out': 'transfer to', kind_adjust: 'adjustment', 'kind_refund-rejected': 'refund (rejected)', 'kind_refund-failed': 'refund (failed)',
      status_pending: 'to approve', status_approved: 'approved', bstatus_pending: 'to approve', bstatus_approved: 'approved', bstatus_rejected: 'rejected', status_rejected: 'rejected',
      yourOrders: 'Your past orders', purchase: 'Purchase', phase_closed: 'closed', phase_failed: 'failed (refunded)'
    }
  }
} as const

/** The languages of the page. */
export type Lang = keyof typeof resources

/** The message keys of language `L`. */
type Keys<L extends Lang> = keyof typeof resources[L]['translation']
// The build fails when a key is in one language and not in the other.
const sameKeys: [Exclude<Keys<'it'>, Keys<'en'>>, Exclude<Keys<'en'>, Keys<'it'>>] extends [never, never] ? true : never = true
void sameKeys
