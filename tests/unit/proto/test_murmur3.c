#include <criterion/criterion.h>
#include <stdio.h>

#include "ucql/token.h"

static size_t unhex(const char *h, uint8_t *out)
{
	size_t n = strlen(h) / 2;
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		sscanf(h + 2 * i, "%2x", &v);
		out[i] = (uint8_t)v;
	}
	return n;
}

/* Every row of the table in notes/protocol.md ("Murmur3Partitioner tokens"). */
static const struct {
	const char *hex;
	int64_t token;
} notes_table[] = {
	{ "", 0LL },
	{ "61", -8839064797231613815LL },
	{ "616263", -5434086359492102041LL },
	{ "68656c6c6f", -3758069500696749310LL },
	{ "00000001", -4069959284402364209LL },
	{ "0000002a", -7160136740246525330LL },
	{ "0000000000000001", 6292367497774912474LL },
	{ "ff", -4442228696663692417LL },
	{ "808182", 4805209697930042770LL },
	{ "e282ac", 8619152265340498936LL },
	{ "30313233343536373839616263646566", 5467490433528156583LL },
	{ "3031323334353637383961626364656667", -8200385122730116642LL },
	{ "54686520717569636b2062726f776e20666f78206a756d7073206f76657220746865206c617a7920646f67",
	  -2068352364225029268LL },
	{ "0004000000010000016100", 6516349416904725244LL },
};

Test(murmur3, notes_known_answers)
{
	uint8_t buf[256];
	for (size_t i = 0; i < sizeof notes_table / sizeof notes_table[0]; i++) {
		size_t n = unhex(notes_table[i].hex, buf);
		cr_assert_eq(ucql_token_murmur3(buf, n), notes_table[i].token, "row %zu (%s)", i,
			     notes_table[i].hex);
	}
}

Test(murmur3, sign_extended_tail_differs_from_textbook)
{
	/* Textbook (unsigned tail) Murmur3 of ff gives 5177511712917721324. */
	cr_assert_neq(ucql_token_murmur3("\xff", 1), 5177511712917721324LL);
	cr_assert_eq(ucql_token_murmur3("\xff", 1), -4442228696663692417LL);
}

/* Random keys, every length 0..64 and 15 longer ones (bytes ≥ 0x80
 * included), hashed by Debian's python3-cassandra C extension:
 *   import random; from cassandra.murmur3 import murmur3
 *   rnd = random.Random(20240611)
 *   for i in range(80):
 *       n = i if i <= 64 else rnd.randrange(200)
 *       b = bytes(rnd.randrange(256) for _ in range(n))
 *       print(b.hex(), murmur3(b))
 * (run with /usr/bin/python3; none of them hits Long.MIN_VALUE). */
static const struct {
	const char *hex;
	int64_t token;
} python_keys[] = {
	{ "", 0LL },
	{ "ac", -3683019886707201524LL },
	{ "844c", 3982814329570722409LL },
	{ "bbbcab", 6876227276665004153LL },
	{ "08769b3f", 6790591490872331249LL },
	{ "19d0b7992b", 5754114233249753714LL },
	{ "5d3f0f67a701", 5519914525790282626LL },
	{ "78999ad4cd6bec", 7316182930455601388LL },
	{ "bfd37e1c84bd8ec1", -3250076566987966252LL },
	{ "746f4ddb1cc00fa8cf", -701884625820978401LL },
	{ "b930d4e1a91e3b5c1f94", 5173129416792663888LL },
	{ "a66a05ab08797fb8beda17", -2678004626514931860LL },
	{ "4a26818605e887452c7aa0b2", -6296175653091273424LL },
	{ "e0efc01827937150fcd25f5e91", -8866506702516473259LL },
	{ "1d1ae4ab24c0bed4329301b86255", -1415902071914589900LL },
	{ "6fa54bd026b1a2d98d2815d3f39898", 7377334105333794702LL },
	{ "7dd4532d9b9b7158dec4be62d8ec0d7e", -4124143064553477767LL },
	{ "0336ba44a1b079e8da0b1f37e05e0e108e", -9023962262063508815LL },
	{ "1bd6916700e5915e5d82c215543203ab4c92", -8997999503268232582LL },
	{ "35a7febdb081bf6f47c8b3508905f7a2cc237c", 5259890134497436984LL },
	{ "cddd87949155eff7ecb7a59e053d24015603d604", 8935319465479780754LL },
	{ "9ace5b8a982e540f3ee71826b44476f2a34826fd96", 9099183172577013085LL },
	{ "35cfe4acfa26fef3b9fd30ed03b367ec9cafb1a34f55", 1577390307485293055LL },
	{ "ede661e3b3c55778f545589704694f15ea13f50a3e7182", 2113541277095996147LL },
	{ "6004caf62d98afe23f6a5a6c3ddc83bc61d4a6205ca2433b", -1150593946539191271LL },
	{ "ae80446ce4be3f18e472eba8486286cd614f1440c8e990d7aa", 6009538785006585381LL },
	{ "27011fe30fc60cde10a101d4ce080bfd00e1701ba07e1443ad19", 4372144453406092841LL },
	{ "65ef8b1fc812a5a6d82e3563da3d18d4eefa0eb898d8259f923919", 557381729044958169LL },
	{ "3846b76850afbe3ea9d1f63922bc13cdc38df4aa61530ab3d7f46a56", -1950352704685302207LL },
	{ "9a3ed81bb86912b34bbb157d18b82ef23aa491fa878e9de2e4a5ff7976", -5138328280384661487LL },
	{ "eee60b9eaf40499067e407ecd371a1f3c0efaea98460dacb3efb3c4d654b", -6903438677393179541LL },
	{ "8d4196a08c4353dc18f677c83faa025f7b9ff80b9f2e2623ac29bfefd42a75", -6882980310095377963LL },
	{ "ae528846d8251cb55c4afaa38590773d378d1cff471921a101a743fc9cf7ad4d", -4577695924366302171LL },
	{ "2d3737510cb02b3c33913819d0aa593efe5701aa09b7ed5c2cdb0a5a70ea0db6d3", 5324165368670938745LL },
	{ "094fa6bd3402035841450965958ec38932929881e21d780550bbbe75a576affc33d2", 8931975236281563715LL },
	{ "29e620412a5bbaa39e6b8820147a09960354f841e4cc54a9329495f3cc447df35be5d2", 3091150865669400650LL },
	{ "b1afd9aa53194ae12c8b7ebdac0e5f4f746392baa34e14cdbab74345f3007c5436920536", 4589626617470828408LL },
	{ "867d07761527dc52f8603da0d3f4ad369058d466c1f5fd381fa5e3e9a70733b7d6b7a12a67", -4010318845128670818LL },
	{ "17aed65b9006a6c7b5c65ef3b6b55fe3c4ba998130b64d160ae863f85e8bd9e799b696dc5f67", 8824404743752824777LL },
	{ "149918e62c8dca26fb2f398688dfcb1c08d4a25fb4fdf0abc9e0fddf6f9976381923b1b7ad8a20", -6622247132023708626LL },
	{ "a6f7968c33edafd3e0cf1f0583b30f80c03bcde8005d2eed906d811a9bbf83a2c936ed6cdffbe5b3", -2680347933947038065LL },
	{ "683dc9c5177afcd70e4adf570718409a99567c5167e06716dd69b49e13c8d8a648121fd0f6de7e26f4", 8621249203718867136LL },
	{ "15a03f4d4073c2734a51cd448fcc03bd9400a71168b8e730388485e77dff1a456a9e71fe026d09375976", -1906617999360085245LL },
	{ "77a2a06acc555ae80ddf1092dd3f5c7d281c8f69e6517d6010b91e59284bb9f30cb0039d457fc157e6b3ae", 6192302980341177512LL },
	{ "082d177d1e1d417333641c3de7f461ce2be00ee8fe832eb51d5af9cd416073f3e79c34ef8c16dfd15d8aa00c", 3780058968220290389LL },
	{ "cc1ef89fae581db9b654de94fab0303af5daedb8d802b4d662bca59931e435cb4d1715ad0b5562d1765c39e73e", 2912106754425918778LL },
	{ "738d7d67d96cddd298f291be9afb58f098770177dc57b1b2d4983336ed41a320411dd760510e9997e9e8cb061b43", 8147837731325353317LL },
	{ "0176efc56ea71bb9054046d9ad045ac7a340e0de89130f064dc011daecc385efed1d6e2f624366fef5a59d2c0c49c1", -3790643620903929187LL },
	{ "1fc491eae2bc4f8387ce6bdaa6ab95bb75fec3d637c2e12b80128cfe2861f3f36fbdf0fc2d504d109792c09b7e312b29", -2953777350075369727LL },
	{ "6cb4772124624a16b302e48e1f2eec94217b736fee2e035617c2c6b690b723bea8e0ed404a5d81efd8be36caea5a8074e2", 4295108631405639743LL },
	{ "4f632f09fdcbde3b96a345d2812c4ba6e4b1fb90c657e6ce67271e12de3ed519d6019217535de916c6d794df0c0de351da0c", 142413283859459036LL },
	{ "7681434fd69c55be118ac332ab3008bf7c6506250939a4f6e65896d1469268e6de67311aec4a465d21451650d6f5690afc2991", -2808668313989812406LL },
	{ "0fdb9543d477e4f6e4c2c62724a04eea56dd47679279e1ac9f39f3f06395bd552d587a3f1a36afeee09097a0d5d362ccdb731ebf", 6660487836128932261LL },
	{ "8a869e01ab672d9890ca0d8a942670cca0e0537a87478b5c0e9f04f5ba225f45c729a3909126a058b7b53b65425473376893254833", 5049232736609870590LL },
	{ "56375a93d8e03e74f31319e59f5b7f74d976d05ba8b2f0dacbb76244fb34ff0f446183e30b6c8aae2f9f31061ffbffddbb870e186c75", 8763764380435087176LL },
	{ "8e3f3d297d7c79cf0a2273a9a5d1d1bbf3ed25528fba6d7a3b68c6843382accedbc54ab6b1e59b23573e7ff42bf72667f2f52396c01301", -1461299446417097289LL },
	{ "2467bee95d51afc4976b4815311dbc592e5402fc056072b3794ac36b80bbd21be3ef2b705c1d82e044b2da69e613ee4a6952a67d8f229fef", -2705047645158362202LL },
	{ "b9cc3e275fbeda919346193616857166054ee683edfa12b11321a08c0ab4fd8785403b0c7856b97ed316fab9673dc20ba6d53094995bb4dd64", 5581582757854641458LL },
	{ "c3976bf1dae51b7e937ba2bad1792b30e41ffb924ff64a0618f5056b264d0777bfdc8eedc9e4f747e6657d01d62d612abc18e72a3cc9cb4475ca", -3123021838098350121LL },
	{ "38e6ef3a8ea6eb1f43eb8b4e9761f12affabcbd154a6b73ab74563fd97dcd4a49e1942c304081ed9a9b85f5d26c8fa3ac541b926fadad934ac10e3", -7412419480636183504LL },
	{ "d28eccfe06cbcdfa59eae7373ae4be6dd5f2d36a737e02d14137e80cab24fcab911e718774e3fefcbb24182617c7510c65b7abc4834222f85df2a423", -5577950714856944170LL },
	{ "2b95d94eff6321ae07219b0fc99cd9177c43e938703ab2d4b87d62bc2ecaa19d1b79bb48cb5dd5221f7b1281c8d6e320229b6074e47f9dfa2b572b0c19", -4566774303170766410LL },
	{ "90ee7d89d305e22023962edd7965393044d33b0f6bfe57e3fb1617759d85d3430e9eefbe795d986525f0dc3c091aa78a44c0cd854ceea0b082425fee91c5", -548195856242552236LL },
	{ "99d48935588f9eae87027d03f0efc75b994cd61776ad768e35af0c66aaa9c028f3870dfe937c0717ba5b30e7b5aa51cf5f97aacfdde46e4012595538b37d5e", 2652697796210754534LL },
	{ "1d1547795ad105bd73b556312200c60a006993f583d3c2502158ea45c18a24d2947923ac2d5bca24416412444d7b314fc0b31965df7db37759d35ba2d24aa3cc", 7765439043492559001LL },
	{ "1925a19cfa614e44d97e1f1e914f3578954ce7852e4799bf1ff5819213a94f59de2c1885baacf8c0bbb4a4a249911d38239b8f20766e9816090aaa2d45a96c5e174fc8b0ba789f2b86a0cf45db84b159095cf8fe39aa5bcc214414fc7fe1139cd79d8bea6451284a613fb29ba5f66edab5646efb221d13ffe1d72c12c956e9109cea1fa1f4c708f51a0a6dd3", -6460918132639960737LL },
	{ "970f6a7183", 1709468119028275632LL },
	{ "8ad9e18c644d2948979ffe731779c1693fefd856b14479f3de1c1138ef3479f2e6e5977a6b5932e009d21c59482a729adde5e218d4569ca98ed34d053d23c1bc96d956025799766f14739a16bb3b503eb0189519f7d606baabe652e86874bcb79edc2d7d5293283a5a953d7fa7a75a31b0bd9a317a795cca5213", -6849256044465549013LL },
	{ "a85c84940cc45e46e9c6e05987eca839caf82c9be11319396f", -3684718988613122034LL },
	{ "63e33965e9f93524455db2a99fe4a29c0bf3ffe3743e0dcc7547dd9899b5f5dfebd8325933150073d94a9f2df3cccf1fe3b82ce2d67a574d25e634f4721a298ac236555656152371e643540776bb5f0f3fcfc8bc2dca066de58ac65e4051514bf624c9c641c9fca7c92bb237fa5828360fa0ccb2abdd80abf38824207d16151d21ba7bf7b44c6e5c5016ae61c97c79d6762a79", 1054704955685149603LL },
	{ "0811041be3c8a67b92b4f5d2e4057e6453d33b347f", -888124501402207706LL },
	{ "72ea476acc19ee93747716adc29cfb1b5335370627335a045a9be109a0eb5970c565100a5ed9907ad3c23376e014dfd8dffc32ea7130fb468229b2b75b64f508c5abbd1ddd604a31b0560b0d8f013bc0b59b85d9cc9b3054dbe8aee765d204059b3b435a98b17294b72c12017a7994839a5ef2edeaf6ba347ec0998068834d7c1d882b940a5ab008e36e0507f6ec78b4c95fc22e4d65d7d1362c9f26a8ac14c63e0ed9ae8ed8ab8edaac40711bd37ee89230", 949677568998997600LL },
	{ "d80466d9bef792c1e6dd1e3e82ca1bd4e68fb3a82ba0cc4c84c9f6e2c368e99786874cd57ad2af92431d21cd6433cd6c6527e42f7ecc8e738a77228e8e91993fd26f8cc3c9f6aa43dd1e7d6857d293c2163533da52967755ed3dd71af79a2cf7030a4091ff6decf2b55aefad7883471fc5b2a46edacbdf95eed88d5bc5993d74eea6f2f67c5d8e4c55931ed2e704efa12a24f52dd3044ab1e1e58f055210c6fd077b03b23103b8603feb1e", 4738763020984772082LL },
	{ "", 0LL },
	{ "843c3278eab7707ae75e73fd7e0a51b016bece4a1c0d788b3b157160a34771454efa4eb569b249af0ec0b5aef070410094c0d55e279e317623412562fb5d5bacf50cf48ba355839422fac35e76fe848103e1295c58e781ee2904ebcff382a44af80699db042b805acd88be95764bcb585ba6b520edb82e50f412006709343961359222705804e7c720485f868a7400781d56c38c49948be6c1662fefc59a8e594ac2c2e2cd1c813533ffc7f40b8489140dd42ed1", -8708347634471755658LL },
	{ "aca9a1041b67f8bd6af5cdd88032139073e7c1e186ead19d9eff2e5c7360ce1e5dac846a8bb108292e064683c0104650fe7c762adb0a15e129de56c5f3059031cbe60791053cba861bb482e8e9555b6845396ec4dbcb8f8d962c781d15b3014a19def630883e79a2a63299b86a6a3a0338b3585c41bb7520f75b1f0f92a33ba4064e84158398179cf881ae75fea6", 3951215210760701035LL },
	{ "b1fc3317d61d85c53d843f7488bc5895bc61a7bdf93ae04a5406f8110b66f5001b1d9c4c942e68f2ccf6a86e027aa66d5d5fc0b1641aa05cff6d5fad1f354b3fbde346da7d689de80427004094f4b80d4c51d2e7c9fd7b17aed297a08e2852addca52f0af177c1791358a751392843e2e15323f8c95e70c874b3ab75a20526ec819b522e0540fded49d5cc047d6fffb0a87a395d935813ac98472eb4e2de62763742b2e3cec48b856a068bbe10464cb70db4", -8243432659551127110LL },
	{ "2ea90f37773c80ed175f3f91a97e4382a79fab75bbbb6f0a46c43b0e3a99b644b81cf85d6fe1e6692dd3db52a3796c13856b3a80b2ccd5d100a31232ada2148b3a0a984d36fb8c4befd39de07bfb24b8a9f0758cd32964c89f733908b32b65612ea28f17f19ce3e58f7f22117523dcc9c8e048bcbdfe5bb74ed8288177655092", -3526114583887650716LL },
	{ "25154ff139d168602e05b6bb9464cbeca5a046d60e04e075b6308721a04ade155e697e335c8cf1870265b0b72138e2d7d05c4e22d4b60646ff05b8be5c4c40c79001f5176b7d5dddac3576ae99eca8e4cd06d6211c318827b102ca984359828b04ed0ee5b277686dcfe4a682b314af79c3788e1ac5952b17c4a8e8eb1fe3d10c20c0dbba", 6808559927896775451LL },
	{ "77991d6e21d2dab3c5d0bb311d6ed942245ae893931b61e987ffa6e9855598c02ace1ba93d822fb724c56c398b1516f4a618c37b7a743774b50d881ef7aee2ca1ec6df86c5", 729293170992342478LL },
};

Test(murmur3, matches_python_driver_on_random_keys)
{
	uint8_t buf[256];
	size_t lens_seen = 0;
	for (size_t i = 0; i < sizeof python_keys / sizeof python_keys[0]; i++) {
		size_t n = unhex(python_keys[i].hex, buf);
		if (n == lens_seen)
			lens_seen++;
		cr_assert_eq(ucql_token_murmur3(buf, n), python_keys[i].token, "key %zu (len %zu)", i, n);
	}
	cr_assert_geq(lens_seen, 65, "lengths 0..64 all covered");
}

Test(murmur3, composite_parts)
{
	/* notes: composite (int 1, 'a') */
	ucql_bytes parts[2] = { ucql_bytes_of("\0\0\0\1", 4), ucql_bytes_of("a", 1) };
	int64_t t = 0;
	cr_assert_eq(ucql_token_murmur3_parts(parts, 2, &t), 0);
	cr_assert_eq(t, 6516349416904725244LL);

	/* Python: murmur3(b"".join(struct.pack(">H", len(p)) + p + b"\0" for p
	 * in parts)): 44-byte+ keys crossing block boundaries mid-component,
	 * an empty component and a tail with bytes ≥ 0x80. */
	uint8_t mid[32];
	for (int i = 0; i < 32; i++)
		mid[i] = (uint8_t)(0x70 + i);
	ucql_bytes p4[4] = { ucql_bytes_of("xxxxxxxxxxxxxxxxxxxx", 20), ucql_bytes_of(NULL, 0),
			     ucql_bytes_of(mid, 32), ucql_bytes_of("\x80\x80\x80", 3) };
	cr_assert_eq(ucql_token_murmur3_parts(p4, 4, &t), 0);
	cr_assert_eq(t, -4985460638858701874LL);
	ucql_bytes p2[2] = { ucql_bytes_of("abc", 3), ucql_bytes_of("\xfe\xff", 2) };
	cr_assert_eq(ucql_token_murmur3_parts(p2, 2, &t), 0);
	cr_assert_eq(t, -2307625965572077210LL);

	/* One component: the value itself, not a composite. */
	ucql_bytes one = ucql_bytes_of("abc", 3);
	cr_assert_eq(ucql_token_murmur3_parts(&one, 1, &t), 0);
	cr_assert_eq(t, -5434086359492102041LL);
}

Test(murmur3, composite_streaming_equals_serialized_hash)
{
	/* Component sizes around the 16-byte block size; the streamed hash
	 * must equal the hash of the written key. */
	static uint8_t data[300];
	for (size_t i = 0; i < sizeof data; i++)
		data[i] = (uint8_t)(i * 151 + 7);
	uint8_t key[1024];
	for (size_t a = 0; a < 40; a++)
		for (size_t b = 0; b < 40; b += 3) {
			ucql_bytes parts[3] = { ucql_bytes_of(data, a), ucql_bytes_of(data + 50, b),
						ucql_bytes_of(data + 100, (a + b) % 17) };
			ucql_writer w;
			ucql_writer_init(&w, key, sizeof key);
			ucql_token_write_key(&w, parts, 3);
			cr_assert_eq(w.err, 0);
			cr_assert_eq(w.len, a + b + (a + b) % 17 + 9);
			int64_t t;
			cr_assert_eq(ucql_token_murmur3_parts(parts, 3, &t), 0);
			cr_assert_eq(t, ucql_token_murmur3(key, w.len), "a=%zu b=%zu", a, b);
		}
}

Test(murmur3, write_key_bytes)
{
	ucql_bytes parts[2] = { ucql_bytes_of("\0\0\0\1", 4), ucql_bytes_of("a", 1) };
	uint8_t buf[32];
	ucql_writer w;
	ucql_writer_init(&w, buf, sizeof buf);
	ucql_token_write_key(&w, parts, 2);
	const uint8_t want[] = { 0, 4, 0, 0, 0, 1, 0, 0, 1, 'a', 0 };
	cr_assert_eq(w.err, 0);
	cr_assert_eq(w.len, sizeof want);
	cr_assert_arr_eq(buf, want, sizeof want);

	ucql_writer_init(&w, buf, sizeof buf);
	ucql_token_write_key(&w, parts + 1, 1);
	cr_assert_eq(w.len, 1);
	cr_assert_eq(buf[0], 'a');

	/* Measuring pass and too-small buffer. */
	ucql_writer_init(&w, NULL, 0);
	ucql_token_write_key(&w, parts, 2);
	cr_assert_eq(w.len, sizeof want);
	cr_assert_eq(w.err, UCQL_E_NOSPACE);
}

Test(murmur3, invalid_arguments)
{
	static uint8_t big[70000];
	ucql_bytes parts[2] = { ucql_bytes_of(big, sizeof big), ucql_bytes_of("a", 1) };
	int64_t t = 42;
	cr_assert_eq(ucql_token_murmur3_parts(parts, 2, &t), UCQL_E_INVALID_ARG);
	cr_assert_eq(ucql_token_murmur3_parts(parts, 0, &t), UCQL_E_INVALID_ARG);
	cr_assert_eq(t, 42);
	/* A single huge value is fine: it is not length-prefixed. */
	cr_assert_eq(ucql_token_murmur3_parts(parts, 1, &t), 0);
	cr_assert_eq(t, ucql_token_murmur3(big, sizeof big));
	uint8_t buf[16];
	ucql_writer w;
	ucql_writer_init(&w, buf, sizeof buf);
	ucql_token_write_key(&w, parts, 2);
	cr_assert_eq(w.err, UCQL_E_INVALID_ARG);
	cr_assert_eq(w.len, 0);
}

Test(murmur3, composite_both_sides_of_the_stack_copy_threshold)
{
	/* Keys up to 256 serialized bytes hash from a stack copy, longer ones
	 * stream: both must equal the hash of the written key, at and around
	 * the threshold. */
	static uint8_t data[1200];
	for (size_t i = 0; i < sizeof data; i++)
		data[i] = (uint8_t)(i * 73 + 19);
	static uint8_t key[2048];
	for (size_t a = 180; a < 300; a++) {
		size_t b = 40 + a % 7;
		ucql_bytes parts[3] = { ucql_bytes_of(data, a), ucql_bytes_of(data + 300, b),
					ucql_bytes_of(data + 600, a % 5) };
		ucql_writer w;
		ucql_writer_init(&w, key, sizeof key);
		ucql_token_write_key(&w, parts, 3);
		cr_assert_eq(w.err, 0);
		int64_t t;
		cr_assert_eq(ucql_token_murmur3_parts(parts, 3, &t), 0);
		cr_assert_eq(t, ucql_token_murmur3(key, w.len), "a=%zu (key %zu bytes)", a, w.len);
	}
}
