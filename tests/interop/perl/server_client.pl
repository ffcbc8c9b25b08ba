#!/usr/bin/perl
# Perl's Net::SMPP (Debian libnet-smpp-perl) as an independent ESME against a running
# `smppd serve`, over plain TCP and over TLS (Net::SMPP on an IO::Socket::SSL socket, Debian
# libio-socket-ssl-perl). TAP with a plan: exits non-zero when anything fails, and a missing
# module is a failure, not a skip. Started by tests/interop/server_perl_test.cpp, whose
# config makes the simulator fail 4599... with UNDELIV, gateway error 0x107E:
#
#   perl server_client.pl HOST PORT TLS_PORT SYSTEM_ID PASSWORD
use strict;
use warnings;
use IO::Select;
use Time::HiRes qw(time);
use Test::More tests => 2 + 2 * (37 + 28);

my ($host, $port, $tls_port, $system_id, $password) = @ARGV;
die "usage: perl server_client.pl HOST PORT TLS_PORT SYSTEM_ID PASSWORD\n" unless defined $password;

use constant {
    ESME_ROK        => 0x00,
    ESME_RINVCMDID  => 0x03,
    ESME_RINVBNDSTS => 0x04,
    ESME_RINVPASWD  => 0x0E,
    ESME_RINVDSTTON => 0x50,
    CMD_GENERIC_NACK => 0x80000000,
    CMD_SUBMIT_SM_RESP => 0x80000004,
    CMD_DELIVER_SM   => 0x00000005,
    CMD_ENQUIRE_LINK => 0x00000015,
};

ok(eval { require Net::SMPP; 1 }, 'Net::SMPP loads (Debian libnet-smpp-perl)') or diag $@;
ok(eval { require IO::Socket::SSL; 1 }, 'IO::Socket::SSL loads (Debian libio-socket-ssl-perl)')
    or diag $@;

# Net::SMPP is an IO::Socket::INET and does its I/O with sysread/syswrite, so the same object
# reblessed into a class that puts IO::Socket::SSL first speaks SMPP over TLS.
package SMPP::TLS {
    our @ISA = ('IO::Socket::SSL', 'Net::SMPP');
}

# A connected, unbound Net::SMPP session (plain or TLS); undef on failure.
sub connect_smpp {
    my ($tls) = @_;
    my $smpp = Net::SMPP->new_connect($host, port => ($tls ? $tls_port : $port),
                                      smpp_version => 0x34, timeout => 5)
        or do { diag "connect: $!"; return undef };
    return $smpp unless $tls;
    SMPP::TLS->start_SSL($smpp, SSL_verify_mode => 0, Timeout => 5)  # self-signed certificate
        or do { diag "TLS handshake: " . IO::Socket::SSL::errstr(); return undef };
    return $smpp;
}

sub readable_within {
    my ($smpp, $seconds) = @_;
    return 1 if $smpp->can('pending') && $smpp->pending;
    return IO::Select->new($smpp)->can_read($seconds);
}

# The next PDU within $seconds, or undef: Net::SMPP's own reads would block for ever.
sub read_pdu_within {
    my ($smpp, $seconds) = @_;
    return undef unless readable_within($smpp, $seconds);
    return $smpp->read_pdu();
}

# True when the server closes the connection within $seconds.
sub closed_within {
    my ($smpp, $seconds) = @_;
    return 0 unless readable_within($smpp, $seconds);
    my $n = $smpp->sysread(my $buffer, 1);
    return !$n;  # 0 at EOF, undef on a reset
}

my %submit = (
    source_addr_ton  => 5,
    source_addr      => 'perlsmpp',
    dest_addr_ton    => 1,
    dest_addr_npi    => 1,
    destination_addr => '4512345678',
);

sub decimal_id_ok {
    my ($id, $name) = @_;
    ok(defined $id && $id =~ /\A[0-9]{1,19}\z/, "$name: a decimal message_id of 1-19 digits")
        or diag 'message_id: ' . (defined $id ? "'$id'" : 'undef');
}

sub scenario {
    my ($tls) = @_;
    my $t = $tls ? 'tls' : 'plain';

    # Wrong password: ESME_RINVPASWD, then the server closes.
    {
        my $s = connect_smpp($tls);
        ok($s && (!$tls || $s->get_cipher), "$t: connects" . ($tls ? ' (TLS ' . ($s ? $s->get_cipher : '?') . ')' : ''));
        my $resp = $s && $s->bind_transceiver(system_id => $system_id, password => "$password-x");
        is($resp && $resp->{cmd}, 0x80000009, "$t: wrong password gets bind_transceiver_resp");
        is($resp && $resp->{status}, ESME_RINVPASWD, "$t: wrong password is ESME_RINVPASWD");
        ok($s && closed_within($s, 3), "$t: the server closes after a refused bind");
    }

    # bind_transmitter: submit OK with an id, a destination TON of 2 is ESME_RINVDSTTON.
    my %ids;
    {
        my $s = connect_smpp($tls);
        my $resp = $s && $s->bind_transmitter(system_id => $system_id, password => $password);
        is($resp && $resp->{cmd}, 0x80000002, "$t: bind_transmitter_resp");
        is($resp && $resp->{status}, ESME_ROK, "$t: bind_transmitter ESME_ROK");
        is($resp && $resp->{sc_interface_version}, chr(0x34), "$t: sc_interface_version 0x34");

        $resp = $s && $s->submit_sm(%submit, short_message => 'Hello from Net::SMPP');
        is($resp && $resp->{status}, ESME_ROK, "$t: transmitter submit_sm GSM-7 ESME_ROK");
        decimal_id_ok($resp && $resp->{message_id}, "$t: transmitter submit_sm");
        $ids{$resp->{message_id}} = 1 if $resp && $resp->{message_id};

        $resp = $s && $s->submit_sm(%submit, data_coding => 8,
                                    short_message => "\x04\x1F\x04\x40\x04\x38\x04\x32\x00\x21");
        is($resp && $resp->{status}, ESME_ROK, "$t: transmitter submit_sm UCS-2 ESME_ROK");
        decimal_id_ok($resp && $resp->{message_id}, "$t: UCS-2 submit_sm");
        $ids{$resp->{message_id}} = 1 if $resp && $resp->{message_id};

        $resp = $s && $s->submit_sm(%submit, dest_addr_ton => 2, short_message => 'bad ton');
        is($resp && $resp->{cmd}, 0x80000004, "$t: bad TON gets submit_sm_resp");
        is($resp && $resp->{status}, ESME_RINVDSTTON, "$t: destination TON 2 is ESME_RINVDSTTON");
        is($resp && length($resp->{data}), 0, "$t: the error response has no body");

        $resp = $s && $s->enquire_link();
        is($resp && $resp->{cmd}, 0x80000015, "$t: transmitter enquire_link_resp");
        is($resp && $resp->{status}, ESME_ROK, "$t: transmitter enquire_link ESME_ROK");

        $resp = $s && $s->unbind();
        is($resp && $resp->{cmd}, 0x80000006, "$t: transmitter unbind_resp");
        is($resp && $resp->{status}, ESME_ROK, "$t: transmitter unbind ESME_ROK");
        ok($s && closed_within($s, 3), "$t: the server closes after unbind_resp");
    }

    # bind_receiver: binds; submit_sm on it is ESME_RINVBNDSTS.
    {
        my $s = connect_smpp($tls);
        my $resp = $s && $s->bind_receiver(system_id => $system_id, password => $password);
        is($resp && $resp->{cmd}, 0x80000001, "$t: bind_receiver_resp");
        is($resp && $resp->{status}, ESME_ROK, "$t: bind_receiver ESME_ROK");
        $resp = $s && $s->submit_sm(%submit, short_message => 'from a receiver');
        is($resp && $resp->{status}, ESME_RINVBNDSTS, "$t: submit_sm on a receiver is ESME_RINVBNDSTS");
        $resp = $s && $s->enquire_link();
        is($resp && $resp->{status}, ESME_ROK, "$t: receiver enquire_link ESME_ROK");
        $resp = $s && $s->unbind();
        is($resp && $resp->{cmd}, 0x80000006, "$t: receiver unbind_resp");
        is($resp && $resp->{status}, ESME_ROK, "$t: receiver unbind ESME_ROK");
    }

    # bind_transceiver: submit with a user_message_reference, query_sm is generic_nack.
    {
        my $s = connect_smpp($tls);
        my $resp = $s && $s->bind_transceiver(system_id => $system_id, password => $password);
        is($resp && $resp->{cmd}, 0x80000009, "$t: bind_transceiver_resp");
        is($resp && $resp->{status}, ESME_ROK, "$t: bind_transceiver ESME_ROK");

        $resp = $s && $s->submit_sm(%submit, short_message => 'with a reference',
                                    user_message_reference => pack('n', 7));
        is($resp && $resp->{status}, ESME_ROK, "$t: transceiver submit_sm with user_message_reference");
        decimal_id_ok($resp && $resp->{message_id}, "$t: transceiver submit_sm");
        $ids{$resp->{message_id}} = 1 if $resp && $resp->{message_id};
        is(scalar(keys %ids), 3, "$t: three distinct message ids");

        # Net::SMPP's synchronous query_sm waits for a query_sm_resp only: send it async.
        my $seq = $s && $s->query_sm(message_id => '1', source_addr_ton => 5,
                                     source_addr => 'perlsmpp', async => 1);
        my $nack = $s && read_pdu_within($s, 5);
        is($nack && $nack->{cmd}, CMD_GENERIC_NACK, "$t: query_sm gets generic_nack");
        is($nack && $nack->{status}, ESME_RINVCMDID, "$t: generic_nack is ESME_RINVCMDID");
        is($nack && $nack->{seq}, $seq, "$t: generic_nack carries query_sm's sequence_number");

        $resp = $s && $s->enquire_link();
        is($resp && $resp->{status}, ESME_ROK, "$t: transceiver enquire_link after the nack");
        $resp = $s && $s->unbind();
        is($resp && $resp->{cmd}, 0x80000006, "$t: transceiver unbind_resp");
        is($resp && $resp->{status}, ESME_ROK, "$t: transceiver unbind ESME_ROK");
        ok($s && closed_within($s, 3), "$t: the server closes after the transceiver's unbind");
    }
}

# Delivery receipts (contract, "Delivery receipts"): a submit to 4512345678 with
# registered_delivery 1 and user_message_reference 4242 (DELIVRD), one to 4599000001 (UNDELIV,
# 0x107E). Both submits go out async: Net::SMPP's synchronous calls drop any PDU that is not
# the response they wait for, a deliver_sm included. Each deliver_sm gets deliver_sm_resp
# ESME_ROK. Net::SMPP keeps optional parameters as raw octets under their names.
sub receipts {
    my ($tls) = @_;
    my $t = $tls ? 'tls' : 'plain';
    my $s = connect_smpp($tls);
    my $resp = $s && $s->bind_transceiver(system_id => $system_id, password => $password);
    is($resp && $resp->{status}, ESME_ROK, "$t receipts: bind_transceiver ESME_ROK");

    my %seq;
    if ($s) {
        $seq{delivered} = $s->submit_sm(%submit, short_message => 'receipt please',
                                        registered_delivery => 1,
                                        user_message_reference => pack('n', 4242), async => 1);
        my %to_4599 = (%submit, destination_addr => '4599000001');
        $seq{failed} = $s->submit_sm(%to_4599, short_message => 'fails', registered_delivery => 1,
                                     async => 1);
    }
    my (%submit_resp, @delivers);
    # Reads until `$done->()` or $seconds pass; answers enquire_link and every deliver_sm.
    my $pump = sub {
        my ($seconds, $done) = @_;
        my $deadline = time + $seconds;
        while ($s && !$done->() && time < $deadline) {
            my $pdu = read_pdu_within($s, $deadline - time) or last;
            if ($pdu->{cmd} == CMD_DELIVER_SM) {
                $s->deliver_sm_resp(seq => $pdu->{seq}, message_id => '');
                push @delivers, $pdu;
            } elsif ($pdu->{cmd} == CMD_ENQUIRE_LINK) {
                $s->enquire_link_resp(seq => $pdu->{seq});
            } elsif ($pdu->{cmd} == CMD_SUBMIT_SM_RESP) {
                for my $name (keys %seq) {
                    $submit_resp{$name} = $pdu if $seq{$name} == $pdu->{seq};
                }
            } else {
                diag sprintf 'unexpected PDU: command_id 0x%08x', $pdu->{cmd};
            }
        }
    };
    $pump->(10, sub { keys(%submit_resp) == 2 && @delivers >= 2 });

    my %id;
    for my $name ('delivered', 'failed') {
        my $r = $submit_resp{$name};
        is($r && $r->{status}, ESME_ROK, "$t receipts: submit_sm ($name) ESME_ROK");
        decimal_id_ok($r && $r->{message_id}, "$t receipts: submit_sm ($name)");
        $id{$name} = $r ? $r->{message_id} : 'none';
    }
    is(scalar(@delivers), 2, "$t receipts: two deliver_sm");

    my %expect = (
        delivered => { source => '4512345678', dlvrd => '001', stat => 'DELIVRD', err => '000',
                       text => '4242', state => 2 },
        failed    => { source => '4599000001', dlvrd => '000', stat => 'UNDELIV', err => '126',
                       text => '', state => 5 },
    );
    for my $name ('delivered', 'failed') {
        my $e = $expect{$name};
        my ($d) = grep { $_->{source_addr} eq $e->{source} } @delivers;
        $d ||= {};
        my $n = "$t receipts ($name)";
        is($d->{esm_class}, 4, "$n: esm_class 4");
        is($d->{data_coding}, 0, "$n: data_coding 0");
        is(join('/', map { $d->{$_} // 'undef' } qw(source_addr_ton source_addr_npi source_addr)),
           "1/1/$e->{source}", "$n: source is the message's destination (TON 1, NPI 1)");
        is(join('/', map { $d->{$_} // 'undef' } qw(dest_addr_ton dest_addr_npi destination_addr)),
           '5/0/perlsmpp', "$n: destination is the message's source (TON 5, NPI 0)");
        my $text = $d->{short_message} // '';
        my $format = qr/\Aid:(\d+) sub:001 dlvrd:$e->{dlvrd} submit date:\d{10} done date:\d{10} stat:$e->{stat} err:$e->{err} text:\Q$e->{text}\E\z/;
        like($text, $format, "$n: short_message format");
        my ($text_id) = $text =~ $format;
        is($text_id, $id{$name}, "$n: id: in the text is the submit's message_id");
        is($d->{receipted_message_id}, "$id{$name}\0",
           "$n: receipted_message_id (0x001E) is the id, a C-octet string");
        is(defined $d->{message_state} ? join(',', unpack('C*', $d->{message_state})) : undef,
           $e->{state}, "$n: message_state (0x0427) is one octet, $e->{state}");
        if ($name eq 'delivered') {
            is(defined $d->{user_message_reference} ? unpack('H*', $d->{user_message_reference}) : undef,
               unpack('H*', pack('n', 4242)), "$n: user_message_reference (0x0204) as submitted");
            ok(!exists $d->{network_error_code}, "$n: no network_error_code without an error");
        } else {
            is(defined $d->{network_error_code} ? unpack('H*', $d->{network_error_code}) : undef,
               '03007e', "$n: network_error_code (0x0423) is GSM (3), 0x007E");
            ok(!exists $d->{user_message_reference}, "$n: no user_message_reference without one");
        }
    }

    # Both were acknowledged: none may be sent again.
    my $before = @delivers;
    $pump->(1, sub { 0 });
    is(scalar(@delivers) - $before, 0, "$t receipts: no deliver_sm repeated after deliver_sm_resp");

    $resp = $s && $s->unbind();
    is($resp && $resp->{status}, ESME_ROK, "$t receipts: unbind ESME_ROK");
}

scenario(0);
receipts(0);
scenario(1);
receipts(1);
