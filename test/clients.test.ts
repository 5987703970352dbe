// SPEC §7 "rate per client": the key a client address counts under (src/http/clients.ts).
import test from 'brittle'
import { ClientKeys, INTERFACES_READ_MS } from '../src/http/clients.js'

test('client keys: IPv4 per address; IPv6 per /64, but per address on this machine\'s own network', (t) => {
  let clock = 0
  let wifi = [{ family: 'IPv6', cidr: '2001:db8:aa:bb::10/64' }, { family: 'IPv4', cidr: '192.168.1.10/24' }]
  const keys = new ClientKeys(() => ({ lo: [{ family: 'IPv6', cidr: '::1/128' }], wlan0: wifi, odd: [{ family: 'IPv6', cidr: '2001:db8::1/32' }] }), () => clock)
  t.is(keys.keyOf('192.168.1.20'), '192.168.1.20')
  t.is(keys.keyOf('::ffff:192.168.1.20'), '192.168.1.20', 'an IPv4 address mapped in IPv6')
  t.is(keys.keyOf('2001:db8:aa:bb::20'), '2001:db8:aa:bb::20', 'a phone on the home network: its own address')
  t.not(keys.keyOf('2001:db8:aa:bb::21'), keys.keyOf('2001:db8:aa:bb::20'), 'another phone there: another key')
  t.is(keys.keyOf('2001:db8:cc:dd::1'), keys.keyOf('2001:db8:cc:dd::2'), 'off the network: one key per /64 (a /32 on an interface is no home network)')
  t.is(keys.keyOf('fe80::1234%wlan0'), 'fe80::1234', 'a link-local address, its zone dropped: per address')
  t.is(keys.keyOf('fd00:1:2:3::5'), keys.keyOf('fd00:1:2:3::6'), 'a private prefix this machine is not on: per /64')
  // The laptop moves to another Wi-Fi: the new prefix counts once the interfaces are read again.
  wifi = [{ family: 'IPv6', cidr: 'fd00:1:2:3::10/64' }]
  t.is(keys.keyOf('fd00:1:2:3::5'), keys.keyOf('fd00:1:2:3::6'), 'read at most every 10 s')
  clock += INTERFACES_READ_MS
  t.not(keys.keyOf('fd00:1:2:3::5'), keys.keyOf('fd00:1:2:3::6'), 'then the new network is the own one')
  t.is(keys.keyOf('2001:db8:aa:bb::20'), keys.keyOf('2001:db8:aa:bb::21'), 'and the old one is not')
})
